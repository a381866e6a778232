import re

from django.utils.html import escape
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
