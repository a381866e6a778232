"""``masthead import_docx FILE --blog SLUG [--author SLUG] [--replace | --new]``: a Word
document becomes a draft, and the address to write it at the desk is printed.

The same file (the same bytes) imported again is noticed: the command says when and as
which post, and imports only when told to replace that draft's text or make a new one.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from masthead.importers.models import ImportedWordFile
from masthead.importers.word import WordDocumentError, import_word_document
from masthead.publishing.models import Author, Blog, Post


def desk_address(post: Post) -> str:
    """Where the draft is written, at the site's configured address (not this machine's)."""
    return settings.MASTHEAD_SITE_URL + reverse("desk:write", args=[post.pk])


class Command(BaseCommand):
    help = (
        "Convert a Word document (.docx) into a new draft post: headings, emphasis, lists, "
        "links, tables, footnotes and pictures. Prints the draft's address at the desk."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--blog", required=True, help="slug of the blog the draft goes in")
        parser.add_argument("--author", help="slug of the author to put in the byline")
        again = parser.add_mutually_exclusive_group()
        again.add_argument(
            "--replace",
            action="store_true",
            help="the same file was imported before: replace that draft's text",
        )
        again.add_argument(
            "--new", action="store_true",
            help="the same file was imported before: make a new draft all the same",
        )  # fmt: skip

    def handle(self, *args, **options):
        blog = Blog.objects.filter(slug=options["blog"]).first()
        if blog is None:
            known = ", ".join(Blog.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"There is no blog “{options['blog']}” (blogs: {known}).")
        author = None
        if options["author"]:
            author = Author.objects.filter(slug=options["author"]).first()
            if author is None:
                raise CommandError(f"There is no author “{options['author']}”.")
        try:
            with open(options["file"], "rb") as handle:
                digest = ImportedWordFile.digest(iter(lambda: handle.read(1 << 16), b""))
        except OSError as error:
            raise CommandError(
                f"Nothing was imported: {error.strerror}: {error.filename}"
            ) from None
        earlier = ImportedWordFile.earlier(digest)
        target = None
        if earlier is not None and not options["new"]:
            if not options["replace"]:
                raise CommandError(
                    f"This file was imported before, on {earlier.imported_at:%Y-%m-%d %H:%M}, "
                    f"as “{earlier.post}”: {desk_address(earlier.post)}\n"
                    "Nothing was imported. Run again with --replace to replace that draft's "
                    "text, or with --new to make a new draft."
                )
            if earlier.post.status != Post.Status.DRAFT:
                raise CommandError(
                    f"“{earlier.post}” is no longer a draft, so its text is not replaced; "
                    "run again with --new to make a new draft."
                )
            target = earlier.post
        try:
            result = import_word_document(options["file"], blog=blog, author=author, post=target)
        except WordDocumentError as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        ImportedWordFile.objects.create(
            sha256=digest, post=result.post, name=options["file"].name[:200]
        )
        post = result.post
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        if author is None and not post.bylines.exists():
            self.stdout.write("Note: the draft has no byline yet; add its authors at the desk.")
        made = "replaced the text of" if target else "created"
        self.stdout.write(
            f"Draft “{post.title}” {made} with {len(result.images)} picture(s). Write it at:"
        )
        self.stdout.write(desk_address(post))
