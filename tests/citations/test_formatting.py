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
    return monkeypatch


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
    assert DBTaskResult.objects.filter(task_path__endswith="format_post_citations").count() == 1

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


# serialized_rollback: its flush must leave content types for later serialized tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saving_the_institution_reformats_references_in_the_background(
    editor_client, formatted_post, institution, no_subprocesses
):
    before = references(formatted_post)
    assert "Energy Desk, Harbour Institute, " in before["chicago-author-date"]
    form = {
        "name": "Harbour Institute for Public Affairs",
        "short_name": "Harbour Policy Institute",
        "url": "https://harbour.example.org",
        "tagline": institution.tagline,
        "comment_guidelines": institution.comment_guidelines,
    }
    queued = DBTaskResult.objects.filter(task_path__endswith="reformat_posts")
    already = queued.count()  # setting up the fixtures queued some
    # The admin's save starts no CSL engine (no_subprocesses would fail it) ...
    response = editor_client.post(f"/admin/publishing/institution/{institution.pk}/change/", form)
    assert response.status_code == 302
    assert queued.count() == already + 1
    # ... and until the worker has run, no page shows a reference made for the old name.
    assert set(references(formatted_post).values()) == {None}

    no_subprocesses.undo()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    after = references(formatted_post)["chicago-author-date"]
    assert after == before["chicago-author-date"].replace(
        "Harbour Institute, ", "Harbour Policy Institute, "
    )


# serialized_rollback: its flush must leave content types for later serialized tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_renamed_blog_is_in_its_posts_references_once_the_worker_has_run(
    editor_client, formatted_post, blog, no_subprocesses
):
    form = {"name": "Energy Transition Desk", "slug": "energy", "tagline": blog.tagline,
            "description": "", "position": 0}  # fmt: skip
    response = editor_client.post(f"/admin/publishing/blog/{blog.pk}/change/", form)
    assert response.status_code == 302
    no_subprocesses.undo()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    mla = references(formatted_post)["modern-language-association"]
    assert "Energy Transition Desk, " in mla
