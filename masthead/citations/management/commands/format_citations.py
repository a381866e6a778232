import time

from django.core.management.base import BaseCommand

from masthead.citations.formatting import core_styles, format_posts
from masthead.citations.styles import UnknownStyle, get_style
from masthead.publishing.models import Post


class Command(BaseCommand):
    help = "(Re)format and store every post's references in batches, e.g. after a style update."

    def add_arguments(self, parser):
        parser.add_argument(
            "--style",
            action="append",
            dest="styles",
            help="A CSL style id (repeatable); default: the post page's styles.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        try:
            styles = (
                [get_style(i) for i in options["styles"]] if options["styles"] else core_styles()
            )
        except UnknownStyle as unknown:
            self.stderr.write(f"No CSL style called {unknown.style_id!r}.")
            raise SystemExit(2) from None
        ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        stored = 0
        size = max(1, options["batch_size"])
        for start in range(0, len(ids), size):
            posts = list(Post.objects.with_byline().filter(pk__in=ids[start : start + size]))
            stored += format_posts(posts, styles)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Stored {stored} references ({len(ids)} posts x {len(styles)} styles) "
            f"in {elapsed:.1f} s."
        )
