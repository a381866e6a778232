from django import forms

from masthead.newsletter.models import Subscriber
from masthead.newsletter.subscription import Request
from masthead.publishing.models import Author, Blog, Topic

KINDS = {"blog": Blog, "author": Author, "topic": Topic}


class FollowField(forms.MultipleChoiceField):
    """The things a page offers to follow; checked against the database in ``clean``."""

    def valid_value(self, value):
        return True


class SubscribeForm(forms.Form):
    """The public form: an address, what to follow, and how often. No per-reader token."""

    email = forms.EmailField(label="Email address", max_length=254)
    follow = FollowField(required=False)  # "blog:ID", "author:ID", "topic:ID", "all"
    cadence = forms.ChoiceField(choices=Subscriber.Cadence.choices, initial="each")
    website = forms.CharField(required=False)  # a trap for robots; people never see it

    def clean(self):
        cleaned = super().clean()
        picked = cleaned.get("follow") or []
        chosen = {"blog": [], "author": [], "topic": []}
        everything = False
        for value in picked:
            if value == "all":
                everything = True
                continue
            kind, _, pk = value.partition(":")
            if (
                kind not in KINDS
                or not pk.isdigit()
                or not KINDS[kind].objects.filter(pk=int(pk)).exists()
            ):
                raise forms.ValidationError("Choose what to follow from the list on the page.")
            chosen[kind].append(int(pk))
        if not everything and not any(chosen.values()):
            raise forms.ValidationError("Choose at least one thing to follow.")
        cleaned["request"] = Request(
            email=cleaned.get("email", ""), everything=everything, blogs=chosen["blog"],
            authors=chosen["author"], topics=chosen["topic"],
            cadence=cleaned.get("cadence") or Subscriber.Cadence.EACH,
        )  # fmt: skip
        return cleaned


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = ["cadence", "everything", "blogs", "authors", "topics"]
        widgets = {
            "cadence": forms.RadioSelect,
            "blogs": forms.CheckboxSelectMultiple,
            "authors": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
        }
        labels = {"everything": "Everything we publish", "cadence": "How often"}
