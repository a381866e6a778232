import re

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from masthead.search.backends import MARK_END, MARK_START

MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
STRAY = re.compile(f"[{MARK_START}{MARK_END}]")


def marked_html(text: str) -> SafeString:
    """Escape everything, then turn the engine's marks (and nothing else) into <mark>."""
    escaped = escape(text or "")
    return mark_safe(STRAY.sub("", MARKED.sub(r"<mark>\1</mark>", escaped)))  # noqa: S308


def has_marks(text: str) -> bool:
    return MARK_START in (text or "")


def marked_byline(authors: str) -> SafeString:
    """The indexed names (joined by “ · ”) as the byline reads them: “A, B and C”, marks kept."""
    names = [marked_html(name) for name in authors.split(" · ") if name.strip()]
    if len(names) <= 1:
        return names[0] if names else mark_safe("")  # noqa: S308
    head = format_html_join(", ", "{}", ((name,) for name in names[:-1]))
    return format_html("{} and {}", head, names[-1])
