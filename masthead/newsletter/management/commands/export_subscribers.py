"""Export subscribers as CSV: address, what they follow, how often, and their consent."""

import csv
import sys

from django.core.management.base import BaseCommand

from masthead.newsletter.models import Subscriber

COLUMNS = ["email", "status", "cadence", "everything", "blogs", "authors", "topics",
           "confirmed_at", "consent_source", "unsubscribed_at"]  # fmt: skip


class Command(BaseCommand):
    help = "Write every subscriber to a CSV file (or standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args, **options):
        path = options["file"]
        handle = sys.stdout if path == "-" else open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        try:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            subscribers = Subscriber.objects.prefetch_related("blogs", "authors", "topics")
            for subscriber in subscribers.order_by("pk").iterator(chunk_size=2000):
                writer.writerow([
                    subscriber.email,
                    "receiving" if subscriber.is_receiving else
                    "unsubscribed" if subscriber.left_at else
                    "suppressed" if subscriber.suppressed_at else "unconfirmed",
                    subscriber.cadence,
                    "yes" if subscriber.everything else "no",
                    " ".join(blog.slug for blog in subscriber.blogs.all()),
                    " ".join(author.slug for author in subscriber.authors.all()),
                    " ".join(topic.slug for topic in subscriber.topics.all()),
                    subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else "",
                    subscriber.consent_source,
                    subscriber.left_at.isoformat() if subscriber.left_at else "",
                ])  # fmt: skip
        finally:
            if handle is not sys.stdout:
                handle.close()
