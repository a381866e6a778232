"""How Zotero's translators read a post's page and downloads, as rules in Python.

Written from reading zotero/translators (`Embedded Metadata.js`, `RDF.js`,
which the former hands its meta tags to, `BibTeX.js`, `CSL JSON.js`) and
zotero/utilities (`cleanAuthor`, `itemFromCSLJSON`). Only the rules a Masthead
page or download meets are modelled; each says which part of which file it
stands for. The tests assert what these rules make of our output, so a change
to our tags that Zotero would read differently fails here, without a network.
"""

import re
from html.parser import HTMLParser

# Embedded Metadata: a Highwire tag that names a container also fixes the item
# type, and that type ("hwType") overrides everything the RDF translator
# decided. citation_journal_title was what made every post a journalArticle.
HIGHWIRE_TYPES = {
    "citation_journal_title": "journalArticle",
    "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper",
    "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection",
    "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}

# The Zotero item types the RDF translator accepts as a literal DC.type.
ZOTERO_TYPES = {"blogPost", "webpage", "journalArticle", "newspaperArticle", "report"}


class MetaTags(HTMLParser):
    """Every <meta name|property=... content=...> in document order."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or attrs.get("property")
        if tag == "meta" and name and attrs.get("content"):
            self.tags.append((name, attrs["content"]))

    def ending_with(self, suffix: str) -> list[str]:
        # Embedded Metadata matches Highwire names by their ending
        # (`meta[name$="citation_author"]`), so "dc.citation_author" counts too.
        return [value for name, value in self.tags if name.endswith(suffix)]

    def named(self, name: str) -> list[str]:
        return [value for key, value in self.tags if key.lower() == name.lower()]


def read_meta(html: str) -> MetaTags:
    meta = MetaTags()
    meta.feed(html)
    return meta


def item_type(meta: MetaTags) -> str:
    """Embedded Metadata's `init` and RDF's `detectType`, in their order of precedence."""
    for name, _ in meta.tags:
        short = name[name.rfind("citation_") :] if "citation_" in name else ""
        if short in HIGHWIRE_TYPES:
            return HIGHWIRE_TYPES[short]
    # RDF.detectType: a definite og:type (website, book, video.*) comes before
    # DC.type; og:type "article" is only a guess, consulted after DC.type.
    og_type = (meta.named("og:type") or [""])[0]
    definite_og = {"website": "webpage", "book": "book"}.get(og_type)
    if definite_og:
        return definite_og
    dc_type = (meta.named("DC.type") or [""])[0]
    if dc_type in ZOTERO_TYPES:
        return dc_type
    # Then the page's default: citation_title alone guesses journalArticle.
    if meta.ending_with("citation_title"):
        return "journalArticle"
    return "webpage"


def container_title(meta: MetaTags, kind: str) -> str:
    """publicationTitle (blogTitle on a blogPost): RDF first, Highwire on top."""
    title = ""
    # RDF.js importItem: PRISM's publicationName, then DC.source ...
    for name in ("prism.publicationName", "DC.source"):
        if meta.named(name):
            title = meta.named(name)[0]
            break
    # ... and og:site_name only when nothing else named it, on web-like types.
    if not title and kind in {"blogPost", "webpage", "newspaperArticle"}:
        title = (meta.named("og:site_name") or [""])[0]
    # Embedded Metadata's HIGHWIRE_MAPPINGS run after the RDF import and win.
    for name in ("citation_journal_title", "citation_inbook_title"):
        if meta.ending_with(name):
            title = meta.ending_with(name)[0]
    return title


def clean_author(text: str, use_comma: bool) -> dict:
    """zotero/utilities `cleanAuthor`, without its dotting of initials."""
    text = re.sub(r"^[\s\u00a0.,/\[\]:]+", "", text)
    text = re.sub(r"[\s\u00a0.,/\[\]:]+$", "", text)
    text = re.sub(r"[\s\u00a0]+", " ", text, count=1)  # only the first run: no "g" flag there
    if use_comma:
        pieces = re.split(r", ?", text)
        last, first = (pieces[0], pieces[1]) if len(pieces) > 1 else (text, "")
    else:
        # Splits at the last space: the last word is the family name.
        first, _, last = text.rpartition(" ")
    # The first name is re-joined word by word, so any whitespace becomes a space.
    first = " ".join(word for word in re.split(r"[\s.]+", first) if word)
    return {"firstName": first, "lastName": last}


def creators(meta: MetaTags) -> list[dict]:
    """Embedded Metadata's `processHighwireCreators` for citation_author."""
    nodes = meta.ending_with("citation_author") or meta.ending_with("citation_authors")
    result = []
    previous = None
    for node in nodes:
        names = re.split(r"\s*;\s*", node)
        if len(names) == 1 and len(nodes) == 1:
            # One tag, no semicolon: "A B, C D" (a space on both sides of a
            # comma) is read as two authors.
            by_comma = re.split(r"\s*,\s*", names[0])
            if len(by_comma) > 1 and " " in by_comma[0] and " " in by_comma[1]:
                names = by_comma
        for name in names:
            name = name.strip()
            if not name or not re.search(r"[^\s,\-.;]", name) or name == previous:
                continue
            previous = name
            result.append(clean_author(name, "," in name))
    return result


def publication_date(meta: MetaTags) -> str:
    # HIGHWIRE_MAPPINGS: publication_date, cover_date, date in turn; the last present wins.
    date = ""
    for name in ("citation_publication_date", "citation_cover_date", "citation_date"):
        if meta.ending_with(name):
            date = meta.ending_with(name)[0]
    return date


def page_item(html: str) -> dict:
    """What Zotero's Embedded Metadata translator saves from a post page."""
    meta = read_meta(html)
    kind = item_type(meta)
    return {
        "itemType": kind,
        "title": (meta.ending_with("citation_title") or [""])[0],
        "creators": creators(meta),
        "publicationTitle": container_title(meta, kind),
        "date": publication_date(meta),
        "url": (meta.ending_with("citation_public_url") or [""])[0],
        # finalDataCleanup: run on its own (not called by another translator),
        # Embedded Metadata drops every tag it found ("automatic tags are not
        # right most of the time"), whatever the page offers.
        "tags": [],
    }


def csl_json_creator(name: dict) -> dict:
    """`itemFromCSLJSON`: family and given become the two fields; a literal is
    one field; ``non-dropping-particle`` is not read at all."""
    if name.get("family") or name.get("given"):
        return {"lastName": name.get("family", ""), "firstName": name.get("given", "")}
    return {"name": name["literal"]}


# BibTeX.js `bibtex2zoteroTypeMap`, for the entry types a blog post could use.
BIBTEX_TYPES = {"misc": "book", "online": "webpage", "article": "journalArticle"}
BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def bibtex_fields(record: str) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and its fields in order (one field a line, as we write them)."""
    entry_type = re.match(r"@(\w+)\{", record).group(1).lower()
    fields = []
    for line in record.splitlines()[1:-1]:
        name, _, value = line.strip().rstrip(",").partition(" = ")
        if value.startswith("{") and value.endswith("}"):
            value = value[1:-1]
        fields.append((name, value))
    return entry_type, fields


def bibtex_date(fields: list[tuple[str, str]]) -> str:
    """BibTeX.js `processField` for year, month and date, applied in field order."""
    date = ""
    for name, value in fields:
        if name == "month":
            index = BIBTEX_MONTHS.index(value.lower()) if value.lower() in BIBTEX_MONTHS else -1
            text = MONTH_NAMES[index] if index >= 0 else value + " "
            date = text if not date or date in text else text + date
        elif name == "year":
            date = date if date and value in date else date + value
        elif name == "date":
            date = value  # "date" replaces whatever year and month built
    return date


def bibtex_creators(value: str) -> list[dict]:
    """BibTeX.js: "Family, Given" splits at the comma; a braced name is one field."""
    result = []
    for name in re.split(r"\s+and\s+", value):
        if name.startswith("{") and name.endswith("}"):
            result.append({"name": name[1:-1]})
        elif "," in name:
            family, given = name.split(",", 1)
            result.append({"lastName": family.strip(), "firstName": given.strip()})
        else:
            result.append(clean_author(name, False))
    return result
