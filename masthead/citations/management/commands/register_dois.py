"""Give every public post its DOI and deposit what Crossref does not have yet."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.citations import dois
from masthead.publishing.models import Post


class Command(BaseCommand):
    help = (
        "Assign DOIs to public posts that have none (posts public before MASTHEAD_DOI_PREFIX "
        "was set, or published by their schedule) and deposit new or changed metadata."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if not settings.MASTHEAD_DOI_PREFIX:
            raise CommandError("Set MASTHEAD_DOI_PREFIX (e.g. 10.12345) to register DOIs.")
        posts = Post.objects.public().with_byline().select_related("doi_record").order_by("pk")
        assigned = deposited = failed = unchanged = 0
        for post in posts:
            record = getattr(post, "doi_record", None)
            if record is None:
                assigned += 1
                if dry_run:
                    deposited += dois.deposits_enabled()
                    continue
                record = dois.assign(post)
            if not dois.needs_deposit(post, record):
                unchanged += 1
                continue
            if dry_run:
                deposited += 1
                continue
            try:
                dois.deposit(post)
                deposited += 1
            except dois.DepositFailed as failure:
                failed += 1
                self.stderr.write(f"{record.doi} ({post.title}): {failure}")
        would = "would be " if dry_run else ""
        summary = (
            f"{assigned} DOIs {would}assigned, {deposited} {would}deposited, "
            f"{failed} failed, {unchanged} already up to date."
        )
        if not dois.deposits_enabled():
            summary += " Deposits are off: set the MASTHEAD_CROSSREF_* credentials."
        self.stdout.write(summary)
