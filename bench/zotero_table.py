"""What Zotero makes of every public post: the page (as the Connector saves it) and each
download (RIS, BibTeX, CSL-JSON imported), field by field, through Zotero's own
translation-server.

Needs a running Masthead site and a running translation-server (zotero/translation-server
with its modules; `npm install`, then `node src/server.js`):

    .venv/bin/python bench/zotero_table.py SITE_URL TRANSLATION_SERVER_URL

Expected values come from the post's CSL-JSON download, the record of what the post is.
Prints one line per post and source with the fields that differ, then the counts.
"""

import datetime
import json
import re
import sys
import urllib.request
from collections import Counter

FIELDS = ["itemType", "container", "creators", "title", "date", "DOI", "abstract", "tags"]


def fetch(url: str, data: bytes | None = None, content_type: str = "text/plain") -> bytes:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (given URLs)
        return response.read()


def creators_of(item: dict) -> list[str]:
    names = []
    for creator in item.get("creators", []):
        if "name" in creator:
            names.append(creator["name"])
        else:
            names.append(f"{creator.get('firstName', '')}|{creator.get('lastName', '')}")
    return names


def expected_creators(csl: dict) -> list[str]:
    return [
        name["literal"] if "literal" in name else f"{name.get('given', '')}|{name['family']}"
        for name in csl.get("author", [])
    ]


def iso_day(value: str) -> str:
    """Zotero keeps a date as the source wrote it: 2026/03/28, 2026-03-28, March 28, 2026."""
    found = re.match(r"(\d{4})[-/](\d{2})[-/](\d{2})", value or "")
    if found:
        return "-".join(found.groups())
    for layout in ("%B %d, %Y", "%d %B %Y"):
        try:
            return datetime.datetime.strptime(value, layout).date().isoformat()
        except ValueError:
            continue
    return value or ""


def compare(item: dict, csl: dict) -> dict[str, bool]:
    parts = csl["issued"]["date-parts"][0]
    tags = sorted(tag["tag"] for tag in item.get("tags", []))
    return {
        "itemType": item.get("itemType") == "blogPost",
        "container": (item.get("blogTitle") or item.get("websiteTitle")) == csl["container-title"],
        "creators": creators_of(item) == expected_creators(csl),
        "title": item.get("title") == csl["title"],
        "date": iso_day(item.get("date", "")) == "-".join(f"{p:02d}" for p in parts),
        "DOI": item.get("DOI", "") == csl.get("DOI", "")
        or f"DOI: {csl.get('DOI')}" in item.get("extra", ""),
        "abstract": item.get("abstractNote", "") == csl.get("abstract", ""),
        "tags": tags == sorted(t.strip() for t in csl.get("keyword", "").split(",") if t.strip()),
    }


def main(site: str, server: str) -> None:
    sitemap = fetch(f"{site}/sitemap.xml").decode()
    posts = sorted(
        {u for u in re.findall(r"<loc>([^<]+)</loc>", sitemap) if re.search(r"/[\w-]+/[\w-]+/$", u)}
    )
    totals: dict[str, Counter] = {}
    for url in posts:
        [csl] = json.loads(fetch(url.rstrip("/") + "/cite.json"))
        sources = {"page": json.loads(fetch(f"{server}/web", url.encode()))}
        for kind in ("ris", "bib", "json"):
            body = fetch(url.rstrip("/") + f"/cite.{kind}")
            sources[kind] = json.loads(fetch(f"{server}/import", body))
        for source, items in sources.items():
            result = compare(items[0], csl) if items else dict.fromkeys(FIELDS, False)
            totals.setdefault(source, Counter()).update(f for f, ok in result.items() if ok)
            wrong = [f for f, ok in result.items() if not ok]
            print(f"{source:5} {url}: {'all right' if not wrong else 'wrong: ' + ', '.join(wrong)}")
    print()
    print("source " + " ".join(f"{f:>9}" for f in FIELDS) + f"   (of {len(posts)} posts)")
    for source, counts in totals.items():
        print(f"{source:6} " + " ".join(f"{counts[f]:>9}" for f in FIELDS))


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"))
