from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic


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


class PostAdminForm(forms.ModelForm):
    substantive_update = forms.BooleanField(
        required=False,
        label="This edit is a substantive update",
        help_text=(
            "Stamps “Updated” with the current time on the published post and keeps the "
            "text readers saw until now as an earlier version, linked from the post."
        ),
    )

    class Meta:
        model = Post
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("substantive_update"):
            data["updated_at"] = timezone.now()
            self.instance.updated_at = data["updated_at"]
        return data


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    inlines = [BylineInline]
    list_display = ["title", "blog", "byline_names", "status", "publish_at", "preview_link"]
    list_filter = ["status", "blog", "authors", "topics", ("publish_at", admin.DateFieldListFilter)]
    list_select_related = ["blog"]
    date_hierarchy = "publish_at"
    search_fields = ["title", "summary", "body", "authors__display_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    readonly_fields = ["revision", "modified_at"]
    fieldsets = [
        (None, {"fields": ["blog", "title", "slug", "summary", "body"]}),
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    @admin.display(description="Byline")
    def byline_names(self, post):
        return ", ".join(author.display_name for author in post.byline)

    @admin.display(description="Page")
    def preview_link(self, post):
        label = "View" if post.is_public else "Preview"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), label)
