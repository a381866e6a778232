"""CSL-JSON items shaped like Masthead's posts, generated to reach the hard cases.

The names, titles and dates are the kinds on which CSL engines part ways:
hyphenated given names, particles, names in a single field (an institution,
a CJK name), titles ending in "?" or "!", one to many authors, dates with and
without a day. Items are built as ``masthead.citations.csl`` builds a post's.
"""

from hypothesis import strategies as st

from masthead.citations.csl import csl_name
from masthead.publishing.models import Author

GIVEN_NAMES = [
    "Ada", "Ben", "Jean-Paul", "Anne-Marie", "Hans-Jürgen", "Mary Jane", "Kwame",
    "Li", "J. R.", "Søren", "Marie-Claire", "Ji-woo",
]  # fmt: skip
FAMILY_NAMES = [
    "Okafor", "van der Berg", "de la Cruz", "von Weizsäcker", "O'Brien", "Lindqvist",
    "Smith-Jones", "Nguyen", "di Stefano", "Adeyemi", "Le Guin", "ten Brink",
]  # fmt: skip
# Names written in one field: a person known by one name and CJK names in their own order.
SINGLE_FIELD_NAMES = ["王小明", "山田太郎", "김민준", "Suharto", "Madonna"]
INSTITUTIONS = [
    "Harbour Energy Team", "World Health Organization", "Institute for Fiscal Studies",
    "Harbour Institute", "UN Women",
]  # fmt: skip
TITLE_STARTS = [
    "Batteries will not save the grid alone", "Who pays for the grid", "Cities after the car",
    "A tax on land, at last", "The budget: what changed", "Counting cyclists properly",
    "What the inflation numbers hide", "Rent caps and their discontents",
]  # fmt: skip
TITLE_ENDS = ["", "", "?", "!", ".", "…"]
BLOGS = ["Energy Desk", "Cities Lab", "Health Matters", "The Ledger"]


def _person(given: str, family: str) -> dict:
    return csl_name(Author(given_name=given, family_name=family, display_name=f"{given} {family}"))


people = st.builds(_person, st.sampled_from(GIVEN_NAMES), st.sampled_from(FAMILY_NAMES))
single_field_people = st.builds(
    lambda name: csl_name(Author(given_name="", family_name=name, display_name=name)),
    st.sampled_from(SINGLE_FIELD_NAMES),
)
institutions = st.builds(
    lambda name: csl_name(Author(is_institutional=True, display_name=name)),
    st.sampled_from(INSTITUTIONS),
)
names = st.one_of(people, people, single_field_people, institutions)


def _distinct(authors: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for name in authors:
        key = tuple(sorted(name.items()))
        if key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


dates = st.one_of(
    st.tuples(st.integers(2001, 2026), st.integers(1, 12), st.integers(1, 28)),
    st.tuples(st.integers(2001, 2026), st.integers(1, 12)),
)


@st.composite
def post_items(draw, number: int = 0) -> dict:
    title = draw(st.sampled_from(TITLE_STARTS)) + draw(st.sampled_from(TITLE_ENDS))
    item = {
        "id": f"generated-{number}",
        "type": "post-weblog",
        "title": title,
        "container-title": draw(st.sampled_from(BLOGS)),
        "publisher": "Harbour Institute",
        "URL": f"https://harbour.example.org/energy/post-{number}/",
    }
    authors = _distinct(draw(st.lists(names, min_size=1, max_size=8)))
    item["author"] = authors
    item["issued"] = {"date-parts": [list(draw(dates))]}
    if draw(st.booleans()):
        item["DOI"] = f"10.5555/k3v92xq{number % 100:02d}"
    return item


@st.composite
def batches_of_items(draw, size: int = 24) -> list[dict]:
    return [draw(post_items(number)) for number in range(size)]


def hard_cases() -> list[dict]:
    """One batch that holds every hard case at least once, whatever hypothesis draws."""
    people_ = [_person(g, f) for g, f in zip(GIVEN_NAMES, FAMILY_NAMES, strict=True)]
    single = [
        csl_name(Author(given_name="", family_name=n, display_name=n)) for n in SINGLE_FIELD_NAMES
    ]
    bodies = [csl_name(Author(is_institutional=True, display_name=n)) for n in INSTITUTIONS]
    everyone = people_ + single + bodies
    items = []
    for number in range(24):
        count = [1, 2, 3, 4, 5, 8][number % 6]
        authors = [everyone[(number * 5 + k * 7) % len(everyone)] for k in range(count)]
        ending = ["?", "!", ".", "", "…", "?"][number % 6]
        title = TITLE_STARTS[number % len(TITLE_STARTS)] + ending
        date = [2010 + number % 15, 1 + number % 12] + ([1 + number % 28] if number % 2 else [])
        item = {
            "id": f"hard-{number}",
            "type": "post-weblog",
            "title": title,
            "container-title": BLOGS[number % len(BLOGS)],
            "publisher": "Harbour Institute",
            "URL": f"https://harbour.example.org/energy/hard-{number}/",
            "author": _distinct(authors),
            "issued": {"date-parts": [date]},
        }
        if number % 3 == 0:
            item["DOI"] = f"10.5555/k3v92xq{number:02d}"
        items.append(item)
    return items
