from django.conf import settings
from django.core.management.base import BaseCommand

from masthead.discussion.privacy import apply_retention


class Command(BaseCommand):
    help = (
        "Erase rejected and spam comments older than MASTHEAD_COMMENT_RETENTION_DAYS "
        "(0, the default, keeps them all). Run it daily from cron if you set a period."
    )

    def handle(self, *args, **options):
        if not settings.MASTHEAD_COMMENT_RETENTION_DAYS:
            self.stdout.write("Retention is off (MASTHEAD_COMMENT_RETENTION_DAYS=0): kept all.")
            return
        self.stdout.write(f"Erased {apply_retention()} rejected or spam comments.")
