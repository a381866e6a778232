from django.core.management.base import BaseCommand

from masthead.search import indexing


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the posts. Never needed in normal use (every save "
        "updates it); for repair after bulk changes that bypass the models, or a restore."
    )

    def handle(self, *args, **options):
        count = indexing.rebuild()
        posts = "post" if count == 1 else "posts"
        self.stdout.write(f"Search index rebuilt: {count} {posts} (published or scheduled).")
