"""BibTeX, BibLaTeX and RIS records of a post, every field escaped for its format."""

import re
import unicodedata

from django.utils.text import slugify

from masthead.citations.csl import inverted_name

# Characters with a meaning in (La)TeX, and how to write them as plain text.
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in LATEX_SPECIALS))
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def one_line(value: str) -> str:
    """No line breaks or control characters: they would end a field early."""
    return " ".join(CONTROL.sub(" ", str(value)).split())


def latex_escape(value: str) -> str:
    return LATEX_SPECIAL.sub(lambda match: LATEX_SPECIALS[match.group(0)], one_line(value))


def url_field(url: str) -> str:
    # Braces would unbalance the field; %, # and \\ are read literally by \\url.
    return one_line(url).replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def bibtex_name(name: dict) -> str:
    if "literal" in name:
        return "{" + latex_escape(name["literal"]) + "}"  # braces: one name, not split
    return latex_escape(inverted_name(name))


def citation_key(item: dict) -> str:
    authors = item.get("author") or []
    first = authors[0] if authors else {}
    who = first.get("family") or first.get("literal") or item.get("container-title", "post")
    year = str(item["issued"]["date-parts"][0][0]) if "issued" in item else "nd"
    word = next((w for w in slugify(item.get("title", "")).split("-") if len(w) > 3), "")
    ascii_only = unicodedata.normalize("NFKD", f"{who}{year}{word}")
    return re.sub(r"[^a-z0-9]", "", ascii_only.lower()) or "post"


def _fields(entries: list[tuple[str, str]]) -> str:
    # A month is BibTeX's own macro (jan ... dec), written bare so styles can name it.
    return ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in entries
        if value
    )


def _date(item: dict) -> list[int]:
    return item["issued"]["date-parts"][0] if "issued" in item else []


def iso_date(parts: list[int]) -> str:
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def bibtex(item: dict) -> str:
    """An ``@online`` record that classic BibTeX and reference managers both read.

    ``@online`` is the one entry type Zotero's BibTeX import maps to a web item
    (a ``webpage``; none maps to ``blogPost``); ``@misc`` becomes a book or a
    document. Classic BibTeX styles treat the unknown type as ``@misc`` and
    read ``howpublished``, ``year``, ``month`` and ``note``; ``date`` keeps the
    day for BibLaTeX and Zotero. ``date`` comes after ``year`` and ``month``:
    Zotero's import builds a date from those as it meets them, and a later
    ``date`` field replaces it whole.
    """
    parts = _date(item)
    note_date = ""
    if len(parts) == 3:
        note_date = f", {parts[2]} {MONTH_NAMES[parts[1] - 1]} {parts[0]}"
    note = f"Blog post, {item['container-title']}, {item['publisher']}{note_date}"
    fields = [
        ("author", " and ".join(bibtex_name(n) for n in item.get("author", []))),
        ("title", "{" + latex_escape(item["title"]) + "}"),  # inner braces keep its capitals
        ("howpublished", r"\url{" + url_field(item["URL"]) + "}"),
        ("year", str(parts[0]) if parts else ""),
        ("month", MONTHS[parts[1] - 1] if len(parts) > 1 else ""),
        ("date", iso_date(parts)),
        ("note", latex_escape(note)),
        ("organization", latex_escape(item["publisher"])),
        ("url", url_field(item["URL"])),
        ("keywords", latex_escape(item.get("keyword", ""))),
        ("doi", url_field(item.get("DOI", ""))),  # read verbatim, like a URL
        # Zotero's BibTeX import keeps ``abstract`` as the item's abstract.
        ("abstract", latex_escape(item.get("abstract", ""))),
    ]
    return f"@online{{{citation_key(item)},\n{_fields(fields)}\n}}\n"


def biblatex(item: dict) -> str:
    """An ``@online`` record for BibLaTeX, with the full date."""
    parts = _date(item)
    fields = [
        ("author", " and ".join(bibtex_name(n) for n in item.get("author", []))),
        ("title", "{" + latex_escape(item["title"]) + "}"),
        ("titleaddon", latex_escape(item["container-title"])),
        ("organization", latex_escape(item["publisher"])),
        ("date", iso_date(parts)),
        ("url", url_field(item["URL"])),
        ("entrysubtype", "blog"),
        ("keywords", latex_escape(item.get("keyword", ""))),
        ("doi", url_field(item.get("DOI", ""))),  # read verbatim, like a URL
        # Zotero's BibTeX import keeps ``abstract`` as the item's abstract.
        ("abstract", latex_escape(item.get("abstract", ""))),
    ]
    return f"@online{{{citation_key(item)},\n{_fields(fields)}\n}}\n"


def ris(item: dict) -> str:
    """An RIS record of type ``BLOG``; one tag per line, so no value may break a line."""
    lines = [("TY", "BLOG")]
    for name in item.get("author", []):
        lines.append(("AU", inverted_name(name)))
    lines += [
        ("TI", item["title"]),
        ("T2", item["container-title"]),
        ("PB", item["publisher"]),
    ]
    parts = _date(item)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(
            ("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/")
        )
    lines += [("KW", keyword.strip()) for keyword in item.get("keyword", "").split(",") if keyword]
    if item.get("abstract"):
        lines.append(("AB", item["abstract"]))
    if item.get("DOI"):
        lines.append(("DO", item["DOI"]))
    if item.get("language"):
        lines.append(("LA", item["language"]))
    lines += [("UR", item["URL"]), ("ER", "")]
    return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)
