"""References are formatted when a post changes, stored, and only read by page views."""

import subprocess

import pytest
from django.core.management import call_command
from django_tasks.backends.database.models import DBTaskResult

from masthead.citations.formatting import core_styles, format_posts, stored_citations
from masthead.citations.models import FormattedCitation, SentenceCaseTitle
from masthead.citations.styles import get_style
from masthead.publishing.models import Post, PostAuthor
from tests.conftest import make_post


def references(post):
    post = Post.objects.with_byline().get(pk=post.pk)
    return {k: v.text if v else None for k, v in stored_citations(post, core_styles()).items()}


def test_saving_a_post_formats_it_in_mla_apa_and_both_chicago_styles(
    blog, ada, django_capture_on_commit_callbacks, site_url
):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog, [ada], title="Is Hydrogen Worth the Hype?", slug="hydrogen")
    year = post.publish_at.year
    found = references(post)
    assert found["modern-language-association"].startswith(
        "Okafor, Ada. “Is Hydrogen Worth the Hype?” Energy Desk, "
    )
    assert found["apa"].startswith(f"Okafor, A. ({year}, ")
    assert found["chicago-author-date"].startswith(f"Okafor, Ada. {year}. “Is Hydrogen")
    assert found["chicago-notes-bibliography"].endswith(
        "https://harbour.example.org/energy/hydrogen/."
    )
    stored = FormattedCitation.objects.filter(post=post)
    assert stored.count() == 4
    assert {row.revision for row in stored} == {Post.objects.get(pk=post.pk).revision}


def test_a_byline_change_reformats_the_references(
    blog, ada, research_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog, [ada], title="Grid Notes", slug="grid-notes")
    assert "Harbour Energy Team" not in references(post)["modern-language-association"]
    with django_capture_on_commit_callbacks(execute=True):
        PostAuthor.objects.create(post=post, author=research_team, position=5)
    assert references(post)["modern-language-association"].startswith(
        "Okafor, Ada and Harbour Energy Team."
    )


def test_a_retitled_post_never_shows_the_old_reference(formatted_post):
    Post.objects.filter(pk=formatted_post.pk).update(title="A New Title")  # no signal
    assert references(formatted_post) == dict.fromkeys(references(formatted_post))


def test_apa_uses_the_confirmed_sentence_case_title_and_mla_keeps_title_case(
    published_post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        SentenceCaseTitle.objects.create(
            post=published_post, title="Batteries will not save the grid alone", confirmed=True
        )
    found = references(published_post)
    assert "Batteries will not save the grid alone. Energy Desk." in found["apa"]
    assert "“Batteries Will Not Save the Grid Alone.”" in found["modern-language-association"]


def test_posts_formatted_together_do_not_affect_each_other(blog, ada):
    first = make_post(blog, [ada], title="First Thoughts", slug="first")
    second = make_post(blog, [ada], title="Second Thoughts", slug="second")
    posts = list(Post.objects.with_byline().filter(pk__in=[first.pk, second.pk]))
    format_posts(posts, [get_style("apa"), get_style("ieee")])
    year = first.publish_at.year
    for row in FormattedCitation.objects.filter(style_id="apa"):
        assert f"({year}, " in row.text and f"({year}a" not in row.text  # no “2026a/2026b”
    for row in FormattedCitation.objects.filter(style_id="ieee"):
        assert row.text.startswith("[1]")  # each numbered as the only reference


@pytest.fixture
def no_subprocesses(monkeypatch):
    """Any attempt to start a process during the test fails it."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a page view started a subprocess: {args[:1]}")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


def test_page_views_never_start_a_subprocess(
    client, formatted_post, no_subprocesses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for url in [
            "/energy/batteries-alone/",
            "/energy/batteries-alone/cite/",
            "/energy/batteries-alone/cite/?style=nature",
            "/energy/batteries-alone/cite/?style=no-such-style",
            "/energy/batteries-alone/cite.json",
            "/energy/batteries-alone/cite.bib",
            "/energy/batteries-alone/cite.ris",
        ]:
            assert client.get(url).status_code in {200, 202, 404}


# serialized_rollback: its flush must leave content types for later serialized tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_any_csl_style_is_prepared_in_the_background_then_shown(client, formatted_post):
    first = client.get("/energy/batteries-alone/cite/?style=nature")
    assert first.status_code == 202
    assert "being prepared" in first.content.decode()
    assert first["Cache-Control"] == "no-cache"
    client.get("/energy/batteries-alone/cite/?style=nature")  # asking again queues nothing
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    ready = client.get("/energy/batteries-alone/cite/?style=nature")
    assert ready.status_code == 200
    page = ready.content.decode()
    assert "Okafor, A. &amp; van der Berg, B. Batteries Will Not Save the Grid Alone." in page


def test_a_dependent_style_is_formatted_by_its_parent(formatted_post):
    format_posts([formatted_post], [get_style("nature-digest")])
    digest = FormattedCitation.objects.get(style_id="nature-digest").text
    format_posts([formatted_post], [get_style("nature")])
    assert digest == FormattedCitation.objects.get(style_id="nature").text
    assert get_style("nature-digest").title == "Nature Digest"
