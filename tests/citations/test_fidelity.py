"""Our references against citeproc-js's (the engine Zotero uses).

The reference entries in data/citeproc_js_reference.json were made by
bench/reference/generate_references.mjs from data/fidelity_items.json with the
same CSL style files; this suite needs no Node.js.
"""

import json
from pathlib import Path

import pytest

from harness.fidelity import measure

DATA = Path(__file__).parent / "data"
ITEMS = DATA / "fidelity_items.json"
REFERENCE = DATA / "citeproc_js_reference.json"
CORE_STYLES = [
    "modern-language-association",
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
]


@pytest.fixture(scope="module")
def agreements():
    return {agreement.style_id: agreement for agreement in measure(ITEMS, REFERENCE)}


def test_the_fidelity_set_is_large_and_varied():
    items = json.loads(ITEMS.read_text(encoding="utf-8"))
    assert len(items) >= 40
    types = {item["type"] for item in items}
    assert {"post-weblog", "article-newspaper", "webpage", "book", "report"} <= types
    author_counts = {len(item.get("author", [])) for item in items}
    assert {0, 1, 2, 3, 4, 8} <= author_counts
    assert any("literal" in name for item in items for name in item.get("author", []))
    assert any("non-dropping-particle" in n for item in items for n in item.get("author", []))
    assert any("issued" not in item for item in items)
    assert any("?" in item["title"] for item in items)


def test_every_item_has_a_reference_entry_in_every_core_style():
    items = json.loads(ITEMS.read_text(encoding="utf-8"))
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert sorted(reference["styles"]) == sorted(CORE_STYLES)
    for style in reference["styles"].values():
        assert set(style["entries"]) == {item["id"] for item in items}
        assert all(entry["text"] for entry in style["entries"].values())


@pytest.mark.parametrize("style_id", CORE_STYLES)
def test_at_least_97_percent_of_references_match_citeproc_js_exactly(agreements, style_id):
    agreement = agreements[style_id]
    print(agreement.describe())  # every difference, shown with -s or on failure
    assert agreement.ratio >= 0.97, agreement.describe()


@pytest.fixture(scope="module")
def markup_agreements():
    return {a.style_id: a for a in measure(ITEMS, REFERENCE, markup=True)}


@pytest.mark.parametrize("style_id", CORE_STYLES)
def test_italics_and_bold_match_citeproc_js_as_often_as_the_text(markup_agreements, style_id):
    agreement = markup_agreements[style_id]
    print(agreement.describe())
    assert agreement.ratio >= 0.97, agreement.describe()
