"""Import subscribers from a CSV as Mailchimp or Substack export it, with their consent recorded."""

import csv
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from masthead.newsletter.models import Subscriber, Suppression, normalise_email
from masthead.publishing.models import Author, Blog, Topic

# Column names the two services use for the address (compared in lower case).
EMAIL_COLUMNS = ("email address", "email", "e-mail")


class Command(BaseCommand):
    help = (
        "Import subscribers from a CSV (Mailchimp's “Email Address” or Substack's “email” "
        "column). They are recorded as consented, with --source saying where the consent "
        "was given. Suppressed and unsubscribed addresses are never brought back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file, or - for standard input.")
        parser.add_argument(
            "--source", required=True,
            help="Where they agreed, e.g. “Mailchimp list, exported 2026-05-01”.",
        )  # fmt: skip
        parser.add_argument("--blog", action="append", default=[], help="Blog slug to follow.")
        parser.add_argument("--author", action="append", default=[], help="Author slug.")
        parser.add_argument("--topic", action="append", default=[], help="Topic slug.")
        parser.add_argument("--everything", action="store_true", help="Follow everything.")
        parser.add_argument("--weekly", action="store_true", help="Weekly digest, not each post.")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        blogs = self.find(Blog, options["blog"])
        authors = self.find(Author, options["author"])
        topics = self.find(Topic, options["topic"])
        if not (blogs or authors or topics or options["everything"]):
            raise CommandError("Say what they follow: --blog, --author, --topic or --everything.")
        rows = self.read(options["file"])
        cadence = Subscriber.Cadence.WEEKLY if options["weekly"] else Subscriber.Cadence.EACH
        counts = {"added": 0, "updated": 0, "suppressed": 0, "invalid": 0}
        source = f"import: {options['source']}"[:200]
        with transaction.atomic():
            for line, email in rows:
                try:
                    validate_email(email)
                except ValidationError:
                    counts["invalid"] += 1
                    self.stderr.write(f"line {line}: “{email}” is not an email address; skipped")
                    continue
                if Suppression.of(email) is not None:
                    counts["suppressed"] += 1
                    continue
                subscriber, created = Subscriber.objects.get_or_create(
                    email=email,
                    defaults={"consent_source": source, "confirmed_at": timezone.now(),
                              "cadence": cadence, "everything": options["everything"]},
                )  # fmt: skip
                if not created and (subscriber.left_at or subscriber.suppressed_at):
                    counts["suppressed"] += 1
                    continue
                if not created:
                    subscriber.everything = subscriber.everything or options["everything"]
                    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
                    if source not in subscriber.consent_source:
                        subscriber.consent_source = f"{subscriber.consent_source}; {source}"[:200]
                    subscriber.save()
                subscriber.blogs.add(*blogs)
                subscriber.authors.add(*authors)
                subscriber.topics.add(*topics)
                counts["added" if created else "updated"] += 1
            if options["dry_run"]:
                transaction.set_rollback(True)
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb}: {counts['added']} new, {counts['updated']} already subscribed, "
            f"{counts['suppressed']} left out (unsubscribed or suppressed), "
            f"{counts['invalid']} invalid."
        )

    def find(self, model, slugs):
        found = list(model.objects.filter(slug__in=slugs))
        missing = set(slugs) - {item.slug for item in found}
        if missing:
            raise CommandError(
                f"No {model._meta.verbose_name} with slug {', '.join(sorted(missing))}."
            )
        return found

    def read(self, path) -> list[tuple[int, str]]:
        try:
            handle = sys.stdin if path == "-" else open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        with handle:
            reader = csv.DictReader(handle)
            columns = {name.strip().lower(): name for name in reader.fieldnames or []}
            column = next((columns[name] for name in EMAIL_COLUMNS if name in columns), None)
            if column is None:
                raise CommandError(
                    "The CSV has no email column (looked for “Email Address” and “email”); "
                    f"its columns are: {', '.join(reader.fieldnames or []) or 'none'}."
                )
            return [(number, normalise_email(row[column] or ""))
                    for number, row in enumerate(reader, start=2)]  # fmt: skip
