"""What other apps keep about a person with an email address, for export and erasure.

The privacy tools (the moderators' commenter page) export and erase a person by
address. Apps that keep more about that address (newsletter subscriptions) register
a function here in their ``ready()``, so the privacy tools include them without
knowing the apps. It sits beside the apps, as ``changes.py`` does.
"""

from collections.abc import Callable

# Each takes the address and returns a JSON-ready dict merged into the export.
exporters: list[Callable[[str], dict]] = []
# Each takes the address (and who asked) and erases what its app keeps.
erasers: list[Callable[..., object]] = []


def export(email: str) -> dict:
    document = {}
    for exporter in exporters:
        document.update(exporter(email))
    return document


def erase(email: str, by=None) -> None:
    for eraser in erasers:
        eraser(email, by=by)
