"""Two places where pandoc's citeproc and citeproc-js (Zotero's engine, our reference)
part ways on input that Masthead produces, and how we bring pandoc in line.

Both were found by the fidelity test set (tests/citations/) and checked against
citeproc-js directly; each adjustment is confined to the exact case it fixes.
"""

import html
import re

# English stop words that CSL title case leaves in lowercase (the list in the
# CSL specification, as citeproc-js applies it), less those pandoc's own,
# shorter list already knows. Pandoc capitalises these ("Life After Coal").
EXTRA_STOP_WORDS = frozenset(
    [
        "above",
        "across",
        "afore",
        "after",
        "against",
        "al",
        "along",
        "alongside",
        "amid",
        "amidst",
        "among",
        "amongst",
        "anenst",
        "apropos",
        "apud",
        "around",
        "aside",
        "astride",
        "athwart",
        "atop",
        "barring",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "circa",
        "despite",
        "during",
        "et",
        "except",
        "forenenst",
        "given",
        "inside",
        "lest",
        "like",
        "modulo",
        "near",
        "next",
        "notwithstanding",
        "off",
        "out",
        "per",
        "plus",
        "pro",
        "qua",
        "sans",
        "since",
        "than",
        "through",
        "thru",
        "throughout",
        "thruout",
        "toward",
        "towards",
        "under",
        "underneath",
        "until",
        "unto",
        "upon",
        "versus",
        "vs",
        "vs.",
        "v",
        "v.",
        "vis-à-vis",
        "within",
        "without",
        "ca",
        "c",
    ]
)
SENTENCE_BREAK = re.compile(r"[:?!.]$")


def _nocase(word: str) -> str:
    return f'<span class="nocase">{word}</span>'


def protect_stop_words(title: str) -> str:
    """Mark lowercase stop words that pandoc would capitalise as CSL ``nocase``.

    Only words that are lowercase already and that citeproc-js would leave
    lowercase (not the first or last word, not the first after a colon or a
    question mark) are marked, so the title reads the same in every style.
    Multi-word phrases (“because of”) are left alone: citeproc-js capitalises
    their first word too.
    """
    words = title.split(" ")
    protected = list(words)
    index = 0
    while index < len(words):
        starts = index == 0 or bool(SENTENCE_BREAK.search(words[index - 1]))
        if not starts and words[index] in EXTRA_STOP_WORDS and index + 1 < len(words):
            protected[index] = _nocase(words[index])
        index += 1
    return " ".join(protected)


NUMBER_RANGE = re.compile(r"^(\d+)-(\d+)$")


def prepare(item: dict) -> dict:
    """The item as pandoc should receive it."""
    prepared = dict(item)
    if isinstance(item.get("title"), str):
        prepared["title"] = protect_stop_words(item["title"])
    # citeproc-js writes a number range ("24-07") with an en dash; pandoc keeps the hyphen.
    if isinstance(item.get("number"), str):
        prepared["number"] = NUMBER_RANGE.sub("\\1\u2013\\2", item["number"])
    return prepared


def _and_forms() -> tuple[str, ...]:
    return ("and", "&amp;", "&")


def finish(item: dict, entry_html: str) -> str:
    """citeproc-js writes “Okafor, Ada and Harbour Team”: with exactly two names and an
    institution (a ``literal``) second, no comma goes before “and”; pandoc puts one."""
    authors = item.get("author") or []
    if len(authors) != 2 or "literal" not in authors[1]:
        return entry_html
    literal = html.escape(authors[1]["literal"], quote=False)
    for joiner in _and_forms():
        needle = f", {joiner} {literal}"
        if needle in entry_html:
            return entry_html.replace(needle, f" {joiner} {literal}", 1)
    return entry_html
