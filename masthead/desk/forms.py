"""The writing view's form: the post's words and the settings in its side panel.

Status never appears here (it moves only by the workflow buttons), and the publish
time only while the post is not yet going public: a scheduled or published post is
rescheduled by withdrawing it and publishing it again.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from masthead.publishing.models import Author, Blog, Post, Topic
from masthead.publishing.permissions import may_edit_byline

# Link previews and listings cut a summary longer than this; the field allows 600.
SUMMARY_AIM = 200


def names(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


class PostForm(forms.ModelForm):
    byline = forms.CharField(
        required=False,
        help_text="Authors in the order the byline names them, separated by commas.",
    )
    topic_names = forms.CharField(
        label="Topics", required=False, help_text="Separated by commas; type to find one."
    )

    class Meta:
        model = Post
        fields = [
            "title", "summary", "body", "blog", "slug", "publish_at", "comments_open",
            "featured_image", "image_alt", "image_caption", "image_credit",
            "image_focus_x", "image_focus_y",
        ]  # fmt: skip
        widgets = {
            # Long titles wrap on the page as they will on the post, not scroll out of sight.
            "title": forms.Textarea(
                attrs={"rows": 2, "class": "write__title", "placeholder": "Title"}
            ),
            "summary": forms.Textarea(attrs={"rows": 3, "class": "write__summary"}),
            "body": forms.Textarea(attrs={"rows": 20, "class": "write__body"}),
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "image_focus_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "image_focus_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "featured_image": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Left empty, it is made from the title."
        self.fields["blog"].queryset = Blog.objects.all()
        self.fields["blog"].empty_label = None
        post = self.instance
        if post.pk:
            self.initial["byline"] = ", ".join(a.display_name for a in post.byline)
            self.initial["topic_names"] = ", ".join(t.name for t in post.topics.all())
        if not may_edit_byline(user):
            self.fields["byline"].disabled = True
            self.fields["byline"].help_text = "Editors decide who is in the byline."
        if post.pk and post.status in Post.GOING_PUBLIC:
            self.fields["publish_at"].disabled = True
            self.fields[
                "publish_at"
            ].help_text = "Set by publishing or scheduling; withdraw the post to change it."
        else:
            self.fields["publish_at"].help_text = "“Schedule” publishes the post at this time."

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_slug(self):
        return self.cleaned_data["slug"] or slugify(self.data.get("title", ""))[:120]

    def clean_byline(self):
        if self.fields["byline"].disabled:
            return None
        wanted = names(self.cleaned_data["byline"])
        found = {a.display_name: a for a in Author.objects.filter(display_name__in=wanted)}
        unknown = [name for name in wanted if name not in found]
        if unknown:
            raise ValidationError(f"No author is called {', '.join(unknown)}.")
        return list(dict.fromkeys(found[name] for name in wanted))

    def clean_topic_names(self):
        wanted = list(dict.fromkeys(names(self.cleaned_data["topic_names"])))
        found = {t.name.casefold(): t for t in Topic.objects.all()}
        unknown = [name for name in wanted if name.casefold() not in found]
        if unknown and not self.user.has_perm("publishing.add_topic"):
            raise ValidationError(
                f"There is no topic {', '.join(unknown)}; an editor can add new topics."
            )
        return wanted

    def save_relations(self, post: Post) -> None:
        """The topics and, for editors, the byline, in the order given."""
        topics = []
        for name in self.cleaned_data["topic_names"]:
            topic = Topic.objects.filter(name__iexact=name).first()
            if topic is None:
                topic = Topic.objects.create(name=name, slug=slugify(name)[:80] or "topic")
            topics.append(topic)
        post.topics.set(topics)
        authors = self.cleaned_data.get("byline")
        if authors is not None:
            post.bylines.exclude(author__in=authors).delete()
            for position, author in enumerate(authors):
                post.bylines.update_or_create(author=author, defaults={"position": position})
        elif not post.bylines.exists():
            own = Author.objects.filter(user=self.user).first()
            if own is not None:
                post.bylines.create(author=own, position=0)


class WorkflowForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    blog = forms.ModelChoiceField(Blog.objects.all(), required=False, empty_label="Any blog")
    author = forms.ModelChoiceField(Author.objects.all(), required=False, empty_label="Any author")
    topic = forms.ModelChoiceField(Topic.objects.all(), required=False, empty_label="Any topic")
    status = forms.ChoiceField(choices=[("", "Any status"), *Post.Status.choices], required=False)

    def filter(self, posts):
        data = self.cleaned_data
        if data.get("q"):
            posts = posts.filter(title__icontains=data["q"]) | posts.filter(
                summary__icontains=data["q"]
            )
        for name in ("blog", "status"):
            if data.get(name):
                posts = posts.filter(**{name: data[name]})
        if data.get("author"):
            posts = posts.filter(bylines__author=data["author"])
        if data.get("topic"):
            posts = posts.filter(topics=data["topic"])
        return posts.distinct()
