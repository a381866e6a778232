"""A Word file uploaded through the browser: the one flow behind the desk's "Word file"
page (the admin's old import address sends people there).

The same bytes imported before are noticed, and the writer is asked whether to replace
that draft's text or make a new draft. Until they answer, the file they sent is kept
on the server, in a folder of their own under the data directory, so the answer needs
no second upload: the page carries only the file's SHA-256, and a digest names a kept
file only in the folder of the person who sent it. Kept files are removed once used,
and any older than ``KEEP_FOR`` (or beyond the newest ``KEEP_AT_MOST`` per person) at
the person's next upload.
"""

import datetime
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied

from masthead.importers.models import ImportedWordFile
from masthead.importers.word import MAX_DOCUMENT_BYTES, WordDocumentError, import_word_document
from masthead.publishing.models import Author, Blog, Post
from masthead.publishing.permissions import (
    is_editor,
    may_change_post,
    may_read_post,
    posts_readable_by,
)

KEEP_FOR = datetime.timedelta(days=1)
KEEP_AT_MOST = 5
DIGEST = re.compile(r"^[0-9a-f]{64}$")
SUFFIX = re.compile(r"^\.[a-z0-9]{1,7}$")


class WordImportForm(forms.Form):
    document = forms.FileField(
        label="Word document",
        required=False,
        help_text="A .docx file. Macro-enabled files (.docm) are refused.",
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
    # The file sent before "the same file again?" was asked, kept on the server.
    kept = forms.RegexField(regex=DIGEST, required=False, widget=forms.HiddenInput)
    kept_name = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        drafts = Post.objects.filter(status=Post.Status.DRAFT).select_related("blog")
        # A draft's body is replaced only where its text is this person's to change.
        drafts = posts_readable_by(user, drafts)
        if not is_editor(user):
            # Writers bring documents into their own posts, under their own name.
            self.fields["author"].queryset = Author.objects.filter(user=user)
        self.fields["draft"].queryset = drafts

    def clean(self):
        data = super().clean()
        if not data.get("document") and not data.get("kept"):
            self.add_error("document", "Choose a Word file to import.")
        return data


@dataclass
class Outcome:
    """What came of one upload: a post imported, or the question about an earlier one."""

    post: Post | None = None
    earlier: ImportedWordFile | None = None
    kept: str = ""
    kept_name: str = ""
    notes: list[str] = field(default_factory=list)


def kept_folder(user) -> Path:
    return Path(settings.DATA_DIR) / "word-uploads" / str(user.pk)


def kept_file(user, digest: str) -> Path | None:
    if not DIGEST.match(digest or ""):
        return None
    found = sorted(kept_folder(user).glob(f"{digest}.*"))
    return found[0] if found else None


def tidy_kept_files(user) -> None:
    """Drop this person's kept files once they are old or too many."""
    folder = kept_folder(user)
    if not folder.is_dir():
        return
    files = sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime, reverse=True)
    too_old = time.time() - KEEP_FOR.total_seconds()
    for position, path in enumerate(files):
        if position >= KEEP_AT_MOST or path.stat().st_mtime < too_old:
            path.unlink(missing_ok=True)


def keep(user, upload, digest: str) -> None:
    """Keep ``upload`` until the question about it is answered."""
    suffix = Path(upload.name).suffix.lower()
    folder = kept_folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix if SUFFIX.match(suffix) else '.docx'}"
    upload.seek(0)
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)


def import_upload(form: WordImportForm, user, choice: str) -> Outcome:
    """Run the import the valid ``form`` asks for, or ask about the same file again.

    ``choice`` answers that question: "replace" the earlier draft's text, or "new".
    A document Word cannot read raises ``WordDocumentError`` (nothing is then created).
    """
    tidy_kept_files(user)
    upload = form.cleaned_data.get("document")
    kept = None
    if upload is not None:
        if upload.size > MAX_DOCUMENT_BYTES:
            raise WordDocumentError(f"The file is larger than {MAX_DOCUMENT_BYTES // 2**20} MB.")
        digest = ImportedWordFile.digest(upload.chunks())
        name = upload.name
    else:
        digest = form.cleaned_data["kept"]
        kept = kept_file(user, digest)
        if kept is None:
            raise WordDocumentError(
                "the file sent before is no longer kept (files wait a day): choose it again."
            )
        name = form.cleaned_data["kept_name"] or kept.name
    known = ImportedWordFile.earlier(digest)
    if known is not None and not may_read_post(user, known.post):
        known = None
    target = form.cleaned_data["draft"]
    if known is not None and not target and choice not in {"replace", "new"}:
        if upload is not None:
            keep(user, upload, digest)
        return Outcome(earlier=known, kept=digest, kept_name=name[:200])
    if choice == "replace" and known is not None and not target:
        target = known.post
    if target is not None and not may_change_post(user, target):
        raise PermissionDenied("That draft is not yours to change now.")
    with tempfile.TemporaryDirectory(prefix="masthead-upload-") as folder:
        # Keep the name's ending: a .docm is refused by its name as well as its contents.
        suffix = Path(upload.name if upload is not None else kept.name).suffix.lower()
        # And its stem: the refusals name the file as the writer knows it.
        stem = re.sub(r"[^\w-]", "_", Path(name).stem)[:80] or "document"
        path = Path(folder) / f"{stem}{suffix if SUFFIX.match(suffix) else ''}"
        if upload is not None:
            upload.seek(0)
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        else:
            path.write_bytes(kept.read_bytes())
        result = import_word_document(
            path, blog=form.cleaned_data["blog"], author=form.cleaned_data["author"], post=target
        )
    ImportedWordFile.objects.create(sha256=digest, post=result.post, name=name[:200], by=user)
    if kept is not None:
        kept.unlink(missing_ok=True)
    if not result.post.bylines.exists():
        own = Author.objects.filter(user=user).first()
        if own is not None:
            result.post.bylines.create(author=own, position=0)
    text = f"Imported “{result.post}” with {len(result.images)} picture(s)."
    return Outcome(post=result.post, notes=[text, *result.notes])
