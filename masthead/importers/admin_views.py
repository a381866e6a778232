"""The admin's "Import a Word document" page: the same import as ``masthead import_docx``."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from masthead.importers.word import WordDocumentError, import_word_document
from masthead.publishing.models import Author, Blog, Post
from masthead.publishing.permissions import is_editor, posts_readable_by


class WordImportForm(forms.Form):
    document = forms.FileField(
        label="Word document", help_text="A .docx file. Macro-enabled files (.docm) are refused."
    )
    blog = forms.ModelChoiceField(Blog.objects.all())
    author = forms.ModelChoiceField(
        Author.objects.all(), required=False, help_text="Put in the byline of a new draft."
    )
    draft = forms.ModelChoiceField(
        Post.objects.none(),
        required=False,
        label="Replace the body of this draft",
        help_text="Leave empty to make a new draft.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        drafts = Post.objects.filter(status=Post.Status.DRAFT).select_related("blog")
        # A draft's body is replaced only where its text is this person's to change.
        drafts = posts_readable_by(user, drafts)
        if not is_editor(user):
            # Writers bring documents into their own posts, under their own name.
            self.fields["author"].queryset = Author.objects.filter(user=user)
        self.fields["draft"].queryset = drafts


def import_word(request):
    if not request.user.has_perm("publishing.add_post"):
        raise PermissionDenied("Only writers and editors can import documents.")
    initial = {"draft": request.GET.get("post")} if request.GET.get("post") else {}
    form = WordImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        # Keep the name's ending: a .docm is refused by its name as well as its contents.
        suffix = Path(upload.name).suffix.lower()[:8]
        with tempfile.TemporaryDirectory(prefix="masthead-upload-") as folder:
            path = Path(folder) / f"{Path(upload.name).stem[:80] or 'document'}{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                result = import_word_document(
                    path,
                    blog=form.cleaned_data["blog"],
                    author=form.cleaned_data["author"],
                    post=form.cleaned_data["draft"],
                )
            except WordDocumentError as error:
                form.add_error("document", f"Nothing was imported: {error}")
            else:
                text = f"Imported “{result.post}” with {len(result.images)} picture(s)."
                messages.success(request, " ".join([text, *result.notes]))
                return HttpResponseRedirect(
                    reverse("admin:publishing_post_change", args=[result.post.pk])
                )
    context = {
        **admin.site.each_context(request),
        "title": "Import a Word document",
        "form": form,
        "opts": Post._meta,
    }
    return render(request, "admin/importers/import_word.html", context)
