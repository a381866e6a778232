"""A post nobody wrote a summary for gets one from its body's first sentences.

The summary is what listings, feeds, link previews and the API show, so a post
imported without an excerpt is not bare; it says it is automatic, follows the
body, and gives way to whatever an editor writes.
"""

import importlib
import json

import pytest
from django.apps import apps as installed_apps
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.publishing.automatic_summary import summary_from_body, word_count
from masthead.publishing.models import ContentVersion, Post
from masthead.publishing.rendering import render_markdown
from tests.conftest import make_post
from tests.publishing.test_desk import change_form_data

pytestmark = pytest.mark.django_db

OPENING = (
    "Batteries shift power in time, not in space. A grid that leans on them alone still "
    "needs new lines. "
    "Dr. Okafor's team measured what each new line saved, e.g. on the windiest days of the "
    "year, and found the savings were larger than those of storage in every season. "
)
LATER = "The rest of the argument follows here, paragraph after paragraph. " * 20


def summary_of(body: str) -> str:
    return summary_from_body(render_markdown(body))


def test_a_post_saved_without_a_summary_gets_its_opening_sentences_marked_automatic(blog, ada):
    post = make_post(blog, [ada], title="Lines", body=f"{OPENING}\n\n{LATER}")
    post.refresh_from_db()
    assert post.summary_is_automatic
    assert post.summary.startswith("Batteries shift power in time, not in space. A grid")
    assert post.summary.endswith("season.")
    assert 40 <= len(post.summary.split()) <= 60
    # "Dr." and "e.g." are not taken for sentence ends.
    assert "Dr. Okafor's team" in post.summary and "e.g. on the windiest" in post.summary


def test_an_automatic_summary_follows_the_body_as_it_is_edited(blog, ada):
    post = make_post(blog, [ada], title="Lines", body=OPENING)
    post.body = "Transmission is the cheaper half of the answer. " + OPENING
    post.save()
    post.refresh_from_db()
    assert post.summary.startswith("Transmission is the cheaper half of the answer.")
    assert post.summary_is_automatic


def test_a_summary_an_editor_writes_replaces_the_automatic_one_and_stays(blog, ada):
    post = make_post(blog, [ada], title="Lines", body=OPENING)
    post.summary = "Lines beat batteries."
    post.save()
    post.body = "A new opening sentence. " + OPENING
    post.save()
    post.refresh_from_db()
    assert post.summary == "Lines beat batteries." and not post.summary_is_automatic


def test_clearing_a_written_summary_brings_an_automatic_one_back(blog, ada):
    post = make_post(blog, [ada], title="Lines", body=OPENING, summary="Written by hand.")
    assert not post.summary_is_automatic
    post.summary = "  "
    post.save()
    post.refresh_from_db()
    assert post.summary_is_automatic and post.summary.startswith("Batteries shift power")


def test_the_admin_form_shows_the_summary_as_automatic_and_keeps_it_so_when_sent_back(
    editor_client, blog, ada
):
    post = make_post(blog, [ada], title="Lines", body=OPENING, status=Post.Status.DRAFT)
    url = f"/admin/publishing/post/{post.pk}/change/"
    html = editor_client.get(url).content.decode()
    assert "Automatic summary: taken from the body" in html
    assert "Batteries shift power in time" in html  # the editor sees the text itself

    data = change_form_data(editor_client, url)
    data["body"] = "An edited first sentence arrives here. " + OPENING
    assert editor_client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert post.summary_is_automatic
    assert post.summary.startswith("An edited first sentence arrives here.")

    data = change_form_data(editor_client, url)
    data["summary"] = "What the editor wrote."
    assert editor_client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert (post.summary, post.summary_is_automatic) == ("What the editor wrote.", False)
    html = editor_client.get(url).content.decode()
    assert "Automatic summary: taken from the body" not in html


# --- hostile bodies -----------------------------------------------------------------------
def test_a_body_of_only_a_heading_or_only_a_picture_gives_no_summary_rather_than_noise():
    assert summary_of("# Only a heading") == ""
    assert summary_of("![A dam at dusk](https://example.org/dam.jpg)") == ""
    assert summary_of("") == ""


def test_one_sentence_of_three_hundred_words_is_cut_short_and_says_so():
    words = [f"word{n}" for n in range(300)]
    words[45] += ","
    found = summary_of(" ".join(words) + ".")
    assert found.endswith("…")
    assert len(found.split()) <= 60
    assert found == " ".join(words[:46]).rstrip(",") + "…"  # cut at the clause


def test_code_tables_headings_captions_and_footnote_marks_are_left_out():
    body = (
        "## A heading first\n\n"
        "```\nprint('code is not prose. It has full stops.')\n```\n\n"
        "| cell | other |\n|---|---|\n| table text. | more. |\n\n"
        '<figure><img src="/media/x.jpg" alt="x"><figcaption>A caption.</figcaption></figure>\n\n'
        "The argument starts here.[^1] It has **strong** words and a [link](https://e.org).\n\n"
        "[^1]: The note's own words."
    )
    assert summary_of(body) == "The argument starts here. It has strong words and a link."


def test_summaries_are_plain_text_with_entities_read_and_no_markup_left():
    found = summary_of("Prices &amp; <em>wages</em> rose by 5&nbsp;% in *2024*; `x < y` too.")
    assert found == "Prices & wages rose by 5\u00a0% in 2024; x < y too."


def test_text_in_japanese_or_russian_is_cut_at_its_own_sentence_ends():
    japanese = "送電線は蓄電池より安い。" * 30
    found = summary_of(japanese)
    assert found.endswith("。") and found.startswith("送電線は蓄電池より安い。")
    assert 40 <= word_count(found) <= 60
    russian = "Линии дешевле батарей. " * 30
    found = summary_of(russian)
    assert found.endswith("батарей.") and 40 <= len(found.split()) <= 60


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_any_body_gives_a_one_line_summary_within_the_fields_limit(text):
    found = summary_of(text)
    assert len(found) <= 600
    assert "\n" not in found and "  " not in found and found == found.strip()


# --- used wherever the summary is ------------------------------------------------------------
def test_the_automatic_summary_shows_in_listings_feeds_meta_cards_and_the_api(client, blog, ada):
    post = make_post(blog, [ada], title="Lines", slug="lines", body=f"{OPENING}\n\n{LATER}")
    expected = post.summary
    assert expected.startswith("Batteries")
    html_escaped = expected.replace("'", "&#x27;")
    listing = client.get(blog.get_absolute_url()).content.decode()
    assert f'<p class="post-card__summary">{html_escaped}</p>' in listing
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'<meta name="description" content="{html_escaped}">' in page
    assert f'<meta property="og:description" content="{html_escaped}">' in page
    feed = json.loads(client.get("/feed/json/").content)
    assert feed["items"][0]["summary"] == expected
    api = client.get(f"/api/v1/posts/{blog.slug}/lines").json()
    assert api["summary"] == expected


def test_the_migration_fills_the_posts_left_without_a_summary(blog, ada):
    bare = make_post(blog, [ada], title="Bare", body=OPENING)
    written = make_post(blog, [ada], title="Written", body=OPENING, summary="By hand.")
    # As a post saved before automatic summaries was stored.
    Post.objects.filter(pk=bare.pk).update(summary="", summary_is_automatic=False)
    version_before = ContentVersion.objects.filter(pk=ContentVersion.ROW).first()
    migration = importlib.import_module(
        "masthead.publishing.migrations.0014_fill_automatic_summaries"
    )
    migration.fill_automatic_summaries(installed_apps, None)
    bare.refresh_from_db()
    written.refresh_from_db()
    assert bare.summary_is_automatic and bare.summary.startswith("Batteries shift power")
    assert (written.summary, written.summary_is_automatic) == ("By hand.", False)
    # Fragments cached before (under the old version) are not read again.
    assert ContentVersion.objects.get(pk=ContentVersion.ROW).token != getattr(
        version_before, "token", 0
    )
