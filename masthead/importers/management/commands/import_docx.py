"""``masthead import_docx FILE --blog SLUG [--author SLUG]``: a Word document becomes a draft."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from masthead.importers.word import WordDocumentError, import_word_document
from masthead.publishing.models import Author, Blog


class Command(BaseCommand):
    help = (
        "Convert a Word document (.docx) into a new draft post: headings, emphasis, lists, "
        "links, tables, footnotes and pictures. Prints the draft's admin address."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--blog", required=True, help="slug of the blog the draft goes in")
        parser.add_argument("--author", help="slug of the author to put in the byline")

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
            result = import_word_document(options["file"], blog=blog, author=author)
        except WordDocumentError as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        post = result.post
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
        if author is None:
            self.stdout.write("Note: the draft has no byline yet; add its authors in the admin.")
        self.stdout.write(
            f"Draft “{post.title}” created with {len(result.images)} picture(s). Edit it at:"
        )
        path = reverse("admin:publishing_post_change", args=[post.pk])
        self.stdout.write(f"{settings.MASTHEAD_SITE_URL}{path}")
