import types

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from masthead.publishing import post_admin_views
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
from masthead.publishing.permissions import (
    is_editor,
    may_change_post,
    may_edit_byline,
    may_read_post,
    may_share_preview,
    posts_readable_by,
)
from masthead.publishing.versions import COMPARED_FIELDS, compare

# The admin's left-hand list of models repeats its index page and takes a third of a
# 1280 px window: without it the post list's titles fit on a line or two and its last
# column is no longer cut off. Writers and editors work at the desk (/desk/).
admin.site.enable_nav_sidebar = False


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

    # Who is in the byline decides who may edit the post: editors set it.
    def has_add_permission(self, request, obj=None):
        return may_edit_byline(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_edit_byline(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_byline(request.user) and super().has_delete_permission(request, obj)


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


def summary_help(post: Post) -> str:
    """The summary field's note: whether what it holds was written or made from the body."""
    usage = "One or two sentences for listings, feeds and link previews."
    if post.pk and post.summary_is_automatic:
        return (
            "Automatic summary: taken from the body's first sentences, and it follows the "
            "body as it is edited. Write your own here to replace it; empty the field to "
            f"get an automatic one again. {usage}"
        )
    return f"{usage} Left empty, the body's first sentences are used (an automatic summary)."


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
        if "summary" in self.fields:
            self.fields["summary"].help_text = summary_help(self.instance)

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
        return is_editor(request.user)

    def get_inlines(self, request, obj):
        inlines = list(self.inlines)
        # Pictures belong to a saved post: a new one gets them once it is first saved.
        if obj is None:
            inlines = [inline for inline in inlines if inline is not BodyImageInline]
        # A writer's new post carries their own name (save_related); the byline is the
        # editors' to extend or reorder, shown read-only to the writer afterwards.
        if obj is None and not may_edit_byline(request.user):
            inlines = [inline for inline in inlines if inline is not BylineInline]
        return inlines

    def get_queryset(self, request):
        posts = super().get_queryset(request).prefetch_related("bylines__author")
        # Writers see their own posts only; editors and administrators see all.
        return posts_readable_by(request.user, posts)

    # Every question about one post goes to the one rule (publishing/permissions.py).
    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return may_read_post(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return may_change_post(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request):
            return False
        return obj is None or is_editor(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_editor(request.user):
            actions.pop("make_preview_links", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.desk_fieldset[1]["fields"]]
        # The status moves only by the desk's buttons, each checked and recorded.
        fields.append("status")
        if not request.user.has_perm("publishing.publish_post"):
            fields += ["publish_at", "updated_at", "correction_note"]
        elif obj is not None and self._saved_status(obj) in Post.GOING_PUBLIC:
            # Moving a scheduled or published post's time would publish or hide it without
            # a transition: withdraw it, then publish it at the new time.
            fields.append("publish_at")
        return fields

    @staticmethod
    def _saved_status(post):
        return Post.objects.filter(pk=post.pk).values_list("status", flat=True).first()

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
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post = form.instance
        if any(f.model is BodyImage and f.has_changed() for f in formsets):
            # A caption, credit or alt text changed after the body was rendered with the old one.
            Post.objects.filter(pk=post.pk).update(body_html=post.render_body(post.body))
        if may_edit_byline(request.user) or post.is_written_by(request.user):
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
        context["can_preview"] = obj is not None and may_read_post(request.user, obj)
        context["can_share_preview"] = obj is not None and may_share_preview(request.user, obj)
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
                if link is None or not may_share_preview(request.user, obj):
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
        def own_view(view):
            return self.admin_site.admin_view(
                lambda request, *args, **kwargs: view(self, request, *args, **kwargs)
            )

        own = [
            path(
                "<path:object_id>/images/",
                own_view(post_admin_views.upload_body_image),
                name="publishing_post_body_image",
            ),
            path(
                "<path:object_id>/compare/",
                own_view(post_admin_views.compare_versions),
                name="publishing_post_compare",
            ),
            path(
                "<path:object_id>/autosave/",
                own_view(post_admin_views.autosave),
                name="publishing_post_autosave",
            ),
        ]
        return own + super().get_urls()

    # simple-history's own two pages read the historical row directly and save it on POST;
    # ours find the live post through the admin's queryset and ask the one permission.
    def history_view(self, request, object_id, extra_context=None):
        return post_admin_views.history(self, request, object_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return post_admin_views.version(self, request, object_id, version_id)

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
