"""Places where pandoc's citeproc and citeproc-js (Zotero's engine, our reference)
part ways on input that Masthead produces, and how we bring pandoc in line.

Both were found by the fidelity test set (tests/citations/) and checked against
citeproc-js directly; each adjustment is confined to the exact case it fixes.
"""

import functools
import html
import re
from pathlib import Path

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

# A title's own closing mark (“Who pays?”) meeting the punctuation a style puts after
# the title: citeproc-js keeps both where a reader needs both (“Who pays?,”) and one
# where the second adds nothing (“Who pays?” then no full stop); pandoc always drops
# the style's mark. What citeproc-js writes for each pair, the title's mark first:
TITLE_END_MERGES = {
    "!": {".": "!", ":": "!", ",": "!,", ";": "!;", "?": "!?", "!": "!"},
    "?": {".": "?", ":": "?", ",": "?,", ";": "?;", "!": "?!", "?": "?"},
    ".": {".": ".", ":": ".:", ",": ".,", ";": ".;", "!": ".!", "?": ".?"},
}
# Stands in for the title's closing mark while pandoc formats the item: pandoc sees a
# letter, so it keeps the style's own punctuation, which finish() then merges as above.
TITLE_END = "\ue000"
AFTER_TITLE_END = re.compile(
    TITLE_END + r"(?P<closing>(?:</[a-z]+>|[\u201d\u2019\"])*)(?P<mark>[.,;:!?]?)"
)


def prepare(item: dict) -> dict:
    """The item as pandoc should receive it."""
    prepared = dict(item)
    if isinstance(item.get("title"), str):
        title = protect_stop_words(item["title"])
        if title[-1:] in TITLE_END_MERGES:
            title = title[:-1] + TITLE_END
        prepared["title"] = title
    # citeproc-js writes a number range ("24-07") with an en dash; pandoc keeps the hyphen.
    if isinstance(item.get("number"), str):
        prepared["number"] = NUMBER_RANGE.sub("\\1\u2013\\2", item["number"])
    return prepared


def _and_forms() -> tuple[str, ...]:
    return ("and", "&amp;", "&")


def _merge_title_end(title_mark: str, entry_html: str) -> str:
    def merged(found: re.Match) -> str:
        marks = TITLE_END_MERGES[title_mark].get(found["mark"], title_mark + found["mark"])
        if found["mark"] and not marks.startswith(title_mark):
            return marks + found["closing"]
        # The title's mark stays inside the title's quotes and tags; what the style adds
        # follows where pandoc put it (inside the quotes: punctuation-in-quote).
        if found["closing"] and not found["closing"].startswith("</"):
            return title_mark + marks[1:] + found["closing"]
        return title_mark + found["closing"] + marks[1:]

    return AFTER_TITLE_END.sub(merged, entry_html)


def finish(item: dict, entry_html: str, style_path: Path | None = None) -> str:
    """The entry as citeproc-js would write it: see TITLE_END_MERGES and below."""
    title = item.get("title")
    if isinstance(title, str) and title[-1:] in TITLE_END_MERGES:
        entry_html = _merge_title_end(title[-1], entry_html)
    if style_path is not None and _initials_run_together(style_path):
        entry_html = _lowercase_hyphenated_part(item, entry_html)
    return _institution_last(item, entry_html)


# A given name whose part after the hyphen is lowercase, as Korean names are often
# written (“Ji-woo”).
LOWERCASE_AFTER_HYPHEN = re.compile(r"^(\w)\w*-([a-z]\w*)$")


@functools.cache
def _initials_run_together(style_path: Path) -> bool:
    """The style writes initials with nothing between them (AMA: “Kim JW”)."""
    return 'initialize-with=""' in style_path.read_text(encoding="utf-8")


def _lowercase_hyphenated_part(item: dict, entry_html: str) -> str:
    """With initials run together, citeproc-js does not initialise a lowercase part
    after a hyphen: “Ji-woo Kim” is “Kim J woo”, where pandoc writes “Kim J”."""
    for name in item.get("author") or []:
        found = LOWERCASE_AFTER_HYPHEN.match(name.get("given") or "")
        if not found or "family" not in name:
            continue
        family = html.escape(
            " ".join(p for p in (name.get("non-dropping-particle"), name["family"]) if p),
            quote=False,
        )
        # Pandoc writes an apostrophe in a name as a typographic one (O’Brien).
        written = re.escape(family).replace("'", "['\u2019]")
        pattern = f"(?<![\\w-])({written}) {found[1]}(?!\\w)"
        entry_html = re.sub(pattern, f"\\1 {found[1]} {found[2]}", entry_html, count=1)
    return entry_html


def _institution_last(item: dict, entry_html: str) -> str:
    """Before an institution (a ``literal`` name) at the end of the author list,
    citeproc-js ignores the style's ``delimiter-precedes-last`` and puts a comma
    before “and” exactly when there are three names or more: “Okafor, Ada and
    Harbour Team”, but “Okafor, A., Suharto, & Harbour Team” even in a style that
    says “never”. Pandoc follows the style; this writes what citeproc-js writes.
    """
    authors = item.get("author") or []
    if len(authors) < 2 or "literal" not in authors[-1]:
        return entry_html
    literal = re.escape(html.escape(authors[-1]["literal"], quote=False))
    joiners = "|".join(re.escape(joiner) for joiner in _and_forms())
    if len(authors) == 2:
        return re.sub(f", ({joiners}) ({literal})", r" \1 \2", entry_html, count=1)
    return re.sub(f"(?<=[^,]) ({joiners}) ({literal})", r", \1 \2", entry_html, count=1)
