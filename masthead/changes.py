"""One announcement that what readers see has changed, for whatever keeps copies of pages.

Saves and deletes of the content models are seen through Django's own model
signals by the parts that keep copies (the anonymous page cache). Writes that
bypass those signals (``bulk_create``, ``QuerySet.update``, raw SQL) announce
themselves here instead. It sits beside the apps, not inside one, so that a
lower app (publishing, citations, search) can announce a change without knowing
who listens.
"""

from django.dispatch import Signal

# Sent with no arguments; receivers must be cheap (it may be sent once per row of an import).
public_content_changed = Signal()


def content_changed() -> None:
    """Say that some public page, feed or API answer may now read differently."""
    public_content_changed.send(sender=None)
