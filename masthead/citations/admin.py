"""The APA sentence-case title, edited on the post's own admin page.

Registered from this app, so the publishing admin stays as it is: PostAdmin
is re-registered as a subclass that adds one inline.
"""

from django import forms
from django.contrib import admin
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils.functional import cached_property

from masthead.citations.csl import suggest_sentence_case
from masthead.citations.models import FormattedCitation, PostDoi, SentenceCaseTitle
from masthead.publishing.admin import PostAdmin
from masthead.publishing.models import Post


class SentenceCaseTitleFormSet(forms.BaseInlineFormSet):
    @cached_property
    def management_form(self):
        if self.is_bound and f"{self.prefix}-{TOTAL_FORM_COUNT}" not in self.data:
            # A post form sent without this inline (a script, an older page): leave the
            # sentence-case title as it is rather than refusing the editor's whole save.
            empty = {
                f"{self.prefix}-{TOTAL_FORM_COUNT}": 0,
                f"{self.prefix}-{INITIAL_FORM_COUNT}": 0,
            }
            form = ManagementForm(empty, auto_id=self.auto_id, prefix=self.prefix)
            form.full_clean()
            return form
        return super().management_form

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        has_record = (
            self.instance.pk and SentenceCaseTitle.objects.filter(post=self.instance).exists()
        )
        if self.instance.pk and self.instance.title and not has_record:
            # A suggestion only: the inline saves nothing until the editor confirms it.
            kwargs["initial"] = {"title": suggest_sentence_case(self.instance.title)}
        return kwargs


class SentenceCaseTitleInline(admin.StackedInline):
    model = SentenceCaseTitle
    formset = SentenceCaseTitleFormSet
    extra = 1
    max_num = 1
    can_delete = True
    fields = ["title", "confirmed"]
    verbose_name = "title in sentence case for APA"
    verbose_name_plural = "Title in sentence case (APA citations)"
    classes = ["collapse"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None else 0


class CitablePostAdmin(PostAdmin):
    inlines = [*PostAdmin.inlines, SentenceCaseTitleInline]


admin.site.unregister(Post)
admin.site.register(Post, CitablePostAdmin)


@admin.register(FormattedCitation)
class FormattedCitationAdmin(admin.ModelAdmin):
    list_display = ["post", "style_id", "revision", "formatted_at"]
    list_filter = ["style_id"]
    search_fields = ["post__title", "style_id"]
    readonly_fields = [f.name for f in FormattedCitation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PostDoi)
class PostDoiAdmin(admin.ModelAdmin):
    list_display = ["doi", "post", "status", "deposited_at", "attempts"]
    list_filter = ["status"]
    search_fields = ["doi", "post__title"]
    readonly_fields = [f.name for f in PostDoi._meta.fields]

    def has_add_permission(self, request):
        return False
