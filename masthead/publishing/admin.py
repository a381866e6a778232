import datetime
import re
import types

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from masthead.publishing.models import (
    Author,
    Blog,
    BodyImage,
    Institution,
    Post,
    PostAuthor,
    PostAutosave,
    PostTransition,
    PreviewLink,
    Topic,
)
from masthead.publishing.versions import COMPARED_FIELDS, compare

# Someone whose form has sent nothing for this long has left the post.
EDITING_NOW_SECONDS = 90
WORDS_PER_MINUTE = 230
WORD = re.compile(r"\w+(?:['’-]\w+)*")
# A picture's reference is no words a reader reads.
IMAGE_MARKDOWN = re.compile(r"!\[[^\]]*\]\(\s*<?image:\d+>?\s*\)")


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "url", "ror_id"]

    def has_add_permission(self, request):
        return not Institution.objects.exists()


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ["name", "tagline", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "tagline"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "role", "is_institutional"]
    list_filter = ["is_institutional"]
    search_fields = ["display_name", "family_name", "given_name", "role"]
    prepopulated_fields = {"slug": ["display_name"]}
    fieldsets = [
        (None, {"fields": ["display_name", "slug", "role", "bio", "photo", "user", "orcid"]}),
        (
            "Name in citations",
            {
                "fields": ["is_institutional", "given_name", "family_name"],
                "description": "A person is cited as “Family, Given”; "
                "an institutional author by its display name.",
            },
        ),
    ]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BylineInline(admin.TabularInline):
    model = PostAuthor
    extra = 1
    min_num = 1
    fields = ["position", "author"]
    autocomplete_fields = ["author"]
    ordering = ["position"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order: lowest position first)"


class BodyImageInline(admin.TabularInline):
    """The post's pictures: uploaded with the editor's “Insert image”, described here."""

    model = BodyImage
    extra = 0
    fields = ["thumbnail", "reference", "alt", "caption", "credit"]
    readonly_fields = ["thumbnail", "reference"]
    verbose_name_plural = "Images in the body (added with “Insert image” above the text)"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Image")
    def thumbnail(self, picture):
        view = picture.as_view()
        return format_html(
            '<img src="{}" srcset="{}" sizes="8rem" alt="" class="body-image-thumbnail">',
            view.src,
            view.srcset,
        )

    @admin.display(description="In the text as")
    def reference(self, picture):
        return format_html("<code>{}</code>", picture.markdown)


class PostAdminForm(forms.ModelForm):
    substantive_update = forms.BooleanField(
        required=False,
        label="This edit is a substantive update",
        help_text=(
            "Stamps “Updated” with the current time on the published post and keeps the "
            "text readers saw until now as an earlier version, linked from the post."
        ),
    )
    # The revision this form was opened at: a save over a newer one is refused.
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Hidden until a save is refused for a newer one; then a checkbox.
    overwrite_newer = forms.BooleanField(
        required=False,
        label="Save my version over the newer one",
        help_text="Only after comparing: the other person's changes are then replaced.",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Post
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk:
            self.initial["base_revision"] = self.instance.revision

    def clean(self):
        data = super().clean()
        self._refuse_overwriting_a_newer_save(data)
        if data.get("substantive_update"):
            data["updated_at"] = timezone.now()
            self.instance.updated_at = data["updated_at"]
        return data

    def _refuse_overwriting_a_newer_save(self, data) -> None:
        base = data.get("base_revision")
        if not self.instance.pk or base is None or data.get("overwrite_newer"):
            return
        saved = Post.objects.filter(pk=self.instance.pk).first()
        if saved is None or saved.revision == base:
            return
        latest = saved.history.select_related("history_user").first()
        who = (latest.history_user if latest else None) or "someone"
        when = timezone.localtime(latest.history_date) if latest else timezone.localtime()
        # What this person typed against what is saved now, shown on the refused form.
        mine = types.SimpleNamespace(**{name: data.get(name) for name, _ in COMPARED_FIELDS})
        self.conflict = {"who": who, "when": when, "changes": compare(saved, mine)}
        # The refused form offers to save against the newer version once compared.
        self.data = self.data.copy()
        self.data["base_revision"] = saved.revision
        self.fields["overwrite_newer"].widget = forms.CheckboxInput()
        raise ValidationError(
            f"Not saved: {who} saved a newer version of this post at {when:%H:%M:%S} while "
            "you were editing. Your text is still in the form; compare it with theirs below, "
            "then tick “Save my version over the newer one” or copy what you need and reload."
        )


# What each desk button does: (label, post method, statuses it starts from, who sees it).
# The model checks the rights again; the permission here only hides useless buttons.
TRANSITIONS = {
    "submit": ("Submit for review", "submit", {Post.Status.DRAFT}, "publishing.submit_post"),
    "approve": ("Approve", "approve", {Post.Status.IN_REVIEW}, "publishing.review_post"),
    "return": (
        "Return to the writer",
        "return_to_writer",
        {Post.Status.IN_REVIEW, Post.Status.APPROVED},
        "publishing.review_post",
    ),
    "publish": (
        "Publish (or schedule at the publish time)",
        "publish",
        {Post.Status.APPROVED, Post.Status.SCHEDULED},
        "publishing.publish_post",
    ),
    "withdraw": (
        "Withdraw from the site",
        "withdraw",
        set(Post.GOING_PUBLIC),
        "publishing.publish_post",
    ),
}


def apply_transition(post: Post, name: str, user) -> PostTransition:
    """Run one desk button on ``post`` as ``user``; the model checks rights and states."""
    method = getattr(post, TRANSITIONS[name][1])
    if name == "publish":
        future = post.publish_at if post.publish_at and post.publish_at > timezone.now() else None
        return method(future, by=user)
    return method(by=user)


def transition_action(name: str):
    label = TRANSITIONS[name][0]

    def action(modeladmin, request, queryset):
        moved = 0
        for post in queryset:
            try:
                apply_transition(post, name, request.user)
                moved += 1
            except (PermissionDenied, ValidationError) as refusal:
                modeladmin.message_user(
                    request, f"“{post}”: {refusal_text(refusal)}", messages.WARNING
                )
        if moved:
            modeladmin.message_user(request, f"{label}: done for {moved} post(s).")

    action.__name__ = f"transition_{name}"
    action.short_description = f"{label} (selected posts)"
    return action


def refusal_text(refusal) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal) or "You may not do that."


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    form = PostAdminForm
    inlines = [BylineInline, BodyImageInline]
    change_form_template = "admin/publishing/post/change_form.html"
    actions = [transition_action(name) for name in TRANSITIONS] + ["make_preview_links"]
    list_display = ["title", "blog", "byline_names", "status", "publish_at", "preview_link"]
    list_filter = ["status", "blog", "authors", "topics", ("publish_at", admin.DateFieldListFilter)]
    list_select_related = ["blog"]
    date_hierarchy = "publish_at"
    search_fields = ["title", "summary", "body", "authors__display_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    readonly_fields = ["revision", "modified_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "blog",
                    "title",
                    "slug",
                    "summary",
                    "body",
                    "base_revision",
                    "overwrite_newer",
                ]
            },
        ),
        ("Publishing", {"fields": ["status", "publish_at", "comments_open", "topics"]}),
        (
            "Featured image",
            {"fields": ["featured_image", "image_alt", "image_caption", "image_credit"]},
        ),
        (
            "Corrections",
            {"fields": ["substantive_update", "updated_at", "correction_note"]},
        ),
        ("Record", {"fields": ["revision", "modified_at"], "classes": ["collapse"]}),
    ]
    # Shown on an existing post only; both are read-only lists, changed by the desk buttons.
    desk_fieldset = ("Desk", {"fields": ["desk_history", "reviewer_links", "versions"]})

    @staticmethod
    def is_editor(request) -> bool:
        return request.user.has_perm("publishing.review_post")

    def get_inlines(self, request, obj):
        # Pictures belong to a saved post: a new one gets them once it is first saved.
        if obj is not None:
            return self.inlines
        return [inline for inline in self.inlines if inline is not BodyImageInline]

    def get_queryset(self, request):
        posts = super().get_queryset(request).prefetch_related("bylines__author")
        # Writers see their own posts only; editors and administrators see all.
        return posts if self.is_editor(request) else posts.written_by(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A writer's post is theirs to change while it is a draft; then it is the desk's.
        return obj is None or self.is_editor(request) or obj.status == Post.Status.DRAFT

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.desk_fieldset[1]["fields"]]
        # The status moves by the desk's buttons, each checked and recorded; only
        # administrators may still set it by hand (that too is recorded).
        if not request.user.is_superuser:
            fields.append("status")
        if not request.user.has_perm("publishing.publish_post"):
            fields += ["publish_at", "updated_at", "correction_note"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.insert(2, self.desk_fieldset)
        if request.user.has_perm("publishing.publish_post"):
            return fieldsets
        return [
            (
                title,
                {**options, "fields": [f for f in options["fields"] if f != "substantive_update"]},
            )
            for title, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        # Saved for real: this person's typed-but-unsaved copy has done its job.
        if obj.pk:
            PostAutosave.objects.filter(post=obj, user=request.user).delete()
        if form.cleaned_data.get("substantive_update"):
            # Marks the version readers see as "Updated" among the saved versions.
            obj._change_reason = f"Substantive update: {obj.correction_note}"[:100]
        before = Post.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        super().save_model(request, obj, form, change)
        if before is not None and before != obj.status:
            PostTransition.objects.create(
                post=obj, from_status=before, to_status=obj.status, by=request.user,
                note="Set by hand in the post form.",
            )  # fmt: skip

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post = form.instance
        if any(f.model is BodyImage and f.has_changed() for f in formsets):
            # A caption, credit or alt text changed after the body was rendered with the old one.
            Post.objects.filter(pk=post.pk).update(body_html=post.render_body(post.body))
        if self.is_editor(request) or post.is_written_by(request.user):
            return
        # A writer's new post carries their name, or it would vanish from their list.
        own = Author.objects.filter(user=request.user).first()
        if own is None:
            self.message_user(
                request,
                "Your account has no author profile, so this post is not in your list; "
                "ask an editor to link one.",
                messages.WARNING,
            )
            return
        last = post.bylines.order_by("-position").values_list("position", flat=True).first()
        PostAuthor.objects.create(post=post, author=own, position=(last or 0) + 1)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        buttons = []
        if obj is not None:
            buttons = [
                (name, label)
                for name, (label, _method, starts, permission) in TRANSITIONS.items()
                if obj.status in starts and request.user.has_perm(permission)
            ]
        context["desk_buttons"] = buttons
        context["can_share_preview"] = obj is not None and obj.can_preview(request.user)
        context["unsaved_text"] = None
        if obj is not None:
            context["autosave_url"] = reverse("admin:publishing_post_autosave", args=[obj.pk])
            context["image_upload_url"] = reverse("admin:publishing_post_body_image", args=[obj.pk])
            mine = obj.autosaves.filter(user=request.user).first()
            if mine is not None and (mine.body, mine.title) != (obj.body, obj.title):
                context["unsaved_text"] = mine
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        if "_desk" not in request.POST:
            return super().response_change(request, obj)
        name = request.POST["_desk"]
        try:
            if name == "preview_link":
                link = PreviewLink.issue(obj, request.user)
                address = request.build_absolute_uri(link.get_absolute_url())
                until = timezone.localtime(link.expires_at)
                self.message_user(
                    request, f"Preview link, valid until {until:%Y-%m-%d %H:%M}: {address}"
                )
            elif name.startswith("revoke:"):
                link = obj.preview_links.filter(pk=name.removeprefix("revoke:")).first()
                if link is None or not obj.can_preview(request.user):
                    raise PermissionDenied("There is no such preview link on this post.")
                link.revoke()
                self.message_user(request, "The preview link is revoked: it now answers 404.")
            elif name in TRANSITIONS:
                obj.refresh_from_db()
                step = apply_transition(obj, name, request.user)
                self.message_user(
                    request, f"“{obj}” is now {step.get_to_status_display().lower()}."
                )
        except (PermissionDenied, ValidationError) as refusal:
            self.message_user(request, refusal_text(refusal), messages.ERROR)
        return HttpResponseRedirect(request.path)

    @admin.action(description="Make a reviewer preview link (selected posts)")
    def make_preview_links(self, request, queryset):
        for post in queryset:
            try:
                link = PreviewLink.issue(post, request.user)
            except PermissionDenied as refusal:
                self.message_user(request, f"“{post}”: {refusal}", messages.WARNING)
                continue
            address = request.build_absolute_uri(link.get_absolute_url())
            self.message_user(request, f"“{post}”: {address}")

    class Media:
        css = {"all": ["publishing/versions.css", "publishing/post_editor.css"]}
        js = ["publishing/post_editor.js"]

    def get_urls(self):
        compare_view = self.admin_site.admin_view(self.compare_versions)
        autosave_view = self.admin_site.admin_view(self.autosave)
        image_view = self.admin_site.admin_view(self.upload_body_image)
        own = [
            path("<path:object_id>/images/", image_view, name="publishing_post_body_image"),
            path("<path:object_id>/compare/", compare_view, name="publishing_post_compare"),
            path("<path:object_id>/autosave/", autosave_view, name="publishing_post_autosave"),
        ]
        return own + super().get_urls()

    def compare_versions(self, request, object_id):
        """Any two saved versions of a post, as a readable diff; the newest two by default."""
        post = self.get_object(request, object_id)
        if post is None or not self.has_view_or_change_permission(request, post):
            raise Http404("There is no such post, or it is not yours to read.")
        versions = list(post.history.select_related("history_user").order_by("-history_date"))
        by_id = {str(version.history_id): version for version in versions}
        newer = by_id.get(request.GET.get("to", ""), versions[0] if versions else None)
        older = by_id.get(request.GET.get("from", ""), versions[1] if len(versions) > 1 else None)
        if older and newer and older.history_date > newer.history_date:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions of “{post}”",
            "opts": self.opts,
            "post": post,
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": compare(older, newer) if older and newer else [],
        }
        return render(request, "admin/publishing/post/compare_versions.html", context)

    def upload_body_image(self, request, object_id):
        """The editor's “Insert image”: store one picture for this post and answer with the
        Markdown that shows it, or with the reason it was refused (nothing is then stored)."""
        if request.method != "POST":
            return JsonResponse({"error": "Send the image with POST."}, status=405)
        post = self.get_object(request, object_id)
        if post is None or not self.has_change_permission(request, post):
            return JsonResponse({"error": "This post is not yours to change."}, status=403)
        upload = request.FILES.get("image")
        if upload is None:
            return JsonResponse({"error": "Choose an image file to upload."}, status=400)
        try:
            picture = BodyImage.store(
                post,
                upload,
                alt=request.POST.get("alt", ""),
                caption=request.POST.get("caption", ""),
                credit=request.POST.get("credit", ""),
                by=request.user,
            )
        except ValidationError as refusal:
            return JsonResponse({"error": " ".join(refusal.messages)}, status=400)
        return JsonResponse({"id": picture.pk, "markdown": picture.markdown}, status=201)

    def autosave(self, request, object_id):
        """Keep what this person has typed (no version, no revision) and answer with the
        preview, the counts, who else is editing and whether the post was saved meanwhile."""
        if request.method != "POST":
            return JsonResponse({"error": "Send the form's text with POST."}, status=405)
        post = self.get_object(request, object_id)
        if post is None or not self.has_change_permission(request, post):
            return JsonResponse({"error": "This post is not yours to change."}, status=403)
        body = request.POST.get("body", "")
        try:
            base = int(request.POST.get("base_revision", post.revision))
        except ValueError:
            base = post.revision
        now = timezone.now()
        PostAutosave.objects.update_or_create(
            post=post,
            user=request.user,
            defaults={
                "title": request.POST.get("title", "")[:240],
                "summary": request.POST.get("summary", ""),
                "body": body,
                "base_revision": base,
                "saved_at": now,
            },
        )
        recent = now - datetime.timedelta(seconds=EDITING_NOW_SECONDS)
        others = (
            post.autosaves.filter(saved_at__gte=recent)
            .exclude(user=request.user)
            .select_related("user")
        )
        words = len(WORD.findall(IMAGE_MARKDOWN.sub(" ", body)))
        return JsonResponse(
            {
                "saved_at": timezone.localtime(now).strftime("%H:%M:%S"),
                "preview_html": post.render_body(body),
                "words": words,
                "minutes": max(1, -(-words // WORDS_PER_MINUTE)) if words else 0,
                "others": sorted(str(autosave.user) for autosave in others),
                "saved_meanwhile": post.revision != base,
            }
        )

    @admin.display(description="Saved versions")
    def versions(self, post):
        count = post.history.count()
        return format_html(
            '{} saved version(s): <a href="{}">compare any two</a> · '
            '<a href="{}">list, restore</a>',
            count,
            reverse("admin:publishing_post_compare", args=[post.pk]),
            reverse("admin:publishing_post_history", args=[post.pk]),
        )

    @admin.display(description="History")
    def desk_history(self, post):
        steps = post.transitions.select_related("by")
        if not steps:
            return "Not moved yet."
        return format_html_join(
            "",
            "<div>{} — {} → {} by {}{}</div>",
            (
                (
                    f"{timezone.localtime(step.at):%Y-%m-%d %H:%M}",
                    step.get_from_status_display(),
                    step.get_to_status_display(),
                    step.by or "the system",
                    f": “{step.note}”" if step.note else "",
                )
                for step in steps
            ),
        )

    @admin.display(description="Reviewer preview links")
    def reviewer_links(self, post):
        links = [link for link in post.preview_links.all() if link.is_usable]
        if not links:
            return "None working. “Make a reviewer preview link” below makes one."
        return format_html_join(
            "",
            '<div><a href="{}">{}</a> until {} '
            '<button type="submit" name="_desk" value="revoke:{}">Revoke</button></div>',
            (
                (
                    link.get_absolute_url(),
                    link.get_absolute_url(),
                    f"{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}",
                    link.pk,
                )
                for link in links
            ),
        )

    @admin.display(description="Byline")
    def byline_names(self, post):
        return ", ".join(author.display_name for author in post.byline)

    @admin.display(description="Page")
    def preview_link(self, post):
        if post.is_public:
            return format_html('<a href="{}">View</a>', post.get_absolute_url())
        return format_html('<a href="{}">Preview</a>', reverse("post_preview", args=[post.pk]))


@admin.register(PostTransition)
class PostTransitionAdmin(admin.ModelAdmin):
    list_display = ["post", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "by"]
    list_select_related = ["post", "by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
