"""The engine formats a batch as if each item were cited alone."""

import pytest

from masthead.citations.engine import FormattingError, format_bibliography, plan_groups
from masthead.citations.styles import get_style


def post(title, families, year):
    return {
        "type": "post-weblog",
        "title": title,
        "author": [{"family": f, "given": "Ann"} for f in families],
        "container-title": "Energy Desk",
        "issued": {"date-parts": [[year, 3, 1]]},
        "URL": "https://harbour.example.org/energy/x/",
    }


# Same author and year twice, a shared co-author, namesakes in different years,
# the same author in another year, two posts without authors.
NEIGHBOURS = [
    post("Grid Notes", ["Okafor"], 2024),
    post("More Grid Notes", ["Okafor"], 2024),
    post("Joint Notes", ["Lindqvist", "Okafor"], 2024),
    post("Other Notes", ["Lindqvist"], 2023),
    {"type": "post-weblog", "title": "About Us", "container-title": "Energy Desk"},
    {"type": "post-weblog", "title": "About Us", "container-title": "Energy Desk"},
    {**post("Seoul Buses", ["Kim"], 2023), "author": [{"family": "Kim", "given": "Min-jun"}]},
    {**post("Busan Housing", ["Kim"], 2024), "author": [{"family": "Kim", "given": "Seo-yeon"}]},
    post("Older Grid Notes", ["Okafor"], 2019),
]


@pytest.mark.parametrize(
    "style_id",
    [
        "apa",
        "chicago-author-date",
        "modern-language-association",
        "chicago-notes-bibliography",
        "ieee",
        "harvard-cite-them-right",
    ],
)
def test_a_batch_reads_exactly_as_each_item_formatted_alone(style_id):
    style = get_style(style_id)
    together = format_bibliography(NEIGHBOURS, style)
    alone = [format_bibliography([item], style)[0] for item in NEIGHBOURS]
    assert [e.html for e in together] == [e.html for e in alone]
    assert all(e.text for e in together)


def test_items_sharing_a_name_never_share_a_bibliography():
    groups = plan_groups(NEIGHBOURS, get_style("apa"))
    for group in groups:
        names = [
            (n["family"], NEIGHBOURS[i]["issued"]["date-parts"][0][0])
            for i in group
            for n in NEIGHBOURS[i].get("author", [])
        ]
        assert len(names) == len(set(names))
    assert [4] in groups and [5] in groups  # untitled authors each stand alone


def test_a_numbered_style_formats_every_item_alone():
    assert plan_groups(NEIGHBOURS, get_style("ieee")) == [[i] for i in range(len(NEIGHBOURS))]


def test_pandoc_past_its_memory_limit_is_stopped_with_a_reason(settings):
    settings.MASTHEAD_PANDOC_MEMORY_MB = 100
    with pytest.raises(FormattingError, match="needed more than 100 MB of memory"):
        format_bibliography(NEIGHBOURS[:1], get_style("apa"))
