"""The one account of what a change sets off (masthead.changes), checked as a table.

Every model is either public content or private, by name; a save and a delete of
each public model reaches every consumer exactly once, after the commit; and a
consumer that fails does not stop the others nor the save. (Inside a test, the end
of the outermost ``transaction.atomic()`` stands for the commit: see conftest.)
"""

import contextlib
import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead import changes
from masthead.citations.models import (
    FormattedCitation,
    PostDoi,
    PrintedPost,
    SentenceCaseTitle,
    VersionCitation,
)
from masthead.discussion.models import Comment, Thread
from masthead.pages.models import OldAddress, Page, PageVersion
from masthead.publishing.models import Author, Blog, Institution, PostAuthor, PostVersion, Topic

from .conftest import make_post

CONSUMERS = {
    "fragment version", "public pictures", "page version", "search", "references",
    "static output", "mail",
}  # fmt: skip


def test_every_model_is_declared_public_or_private():
    labels = {model._meta.label for model in apps.get_models(include_auto_created=True)}
    undeclared = labels - set(changes.PUBLIC) - set(changes.PRIVATE)
    assert not undeclared, f"say in masthead/changes.py whether these are public: {undeclared}"
    assert not set(changes.PUBLIC) & set(changes.PRIVATE)
    assert set(changes.PUBLIC) | set(changes.PRIVATE) <= labels, "a declared model is gone"


def test_the_seven_consumers_are_registered():
    assert set(changes.consumers()) == CONSUMERS


@pytest.fixture
def heard(monkeypatch):
    """What each real consumer was told, consumer by consumer (each still does its work)."""
    told = {name: [] for name in changes.consumers()}

    def listening(name, consumer):
        def consume(committed):
            told[name].extend(committed)
            consumer(committed)

        return consume

    for name, consumer in changes.consumers().items():
        monkeypatch.setitem(changes._consumers, name, listening(name, consumer))
    return told


def other_post(published_post, title="Another Look at Storage"):
    return make_post(
        published_post.blog, [], title=title, publish_at=timezone.now() - datetime.timedelta(1)
    )


def version_of(post):
    return PostVersion.objects.create(
        post=post, number=1, title=post.title, body="Old text.", body_html="<p>Old text.</p>",
        published_at=post.publish_at, replaced_at=timezone.now(),
    )  # fmt: skip


# One way to make each public model (the m2m table is made by post.topics.add()).
MAKERS = {
    "publishing.Institution": lambda post: Institution.objects.create(
        name="Second Institute", url="https://second.example.org"
    ),
    "publishing.Blog": lambda post: Blog.objects.create(name="Water Desk", slug="water"),
    "publishing.Author": lambda post: Author.objects.create(display_name="Cy", slug="cy"),
    "publishing.Topic": lambda post: Topic.objects.create(name="Hydro", slug="hydro"),
    "publishing.Post": other_post,
    "publishing.PostAuthor": lambda post: PostAuthor.objects.create(
        post=post, author=Author.objects.create(display_name="Dee", slug="dee"), position=5
    ),
    "publishing.PostVersion": version_of,
    "citations.SentenceCaseTitle": lambda post: SentenceCaseTitle.objects.create(
        post=post, title="Batteries will not save the grid alone"
    ),
    "citations.FormattedCitation": lambda post: FormattedCitation.objects.create(
        post=post, style_id="made-up-style", revision=1, source_hash="x", html="<p>x</p>"
    ),
    "citations.PrintedPost": lambda post: PrintedPost.objects.create(
        post=post, revision=1, source_hash="x", pdf=b"%PDF-"
    ),
    "citations.PostDoi": lambda post: PostDoi.objects.create(post=post, doi="10.5555/test.1"),
    "citations.VersionCitation": lambda post: VersionCitation.objects.create(
        version=version_of(post), style_id="made-up-style", html="<p>x</p>", text="x"
    ),
    "discussion.Thread": lambda post: Thread.objects.create(post=post),
    "discussion.Comment": lambda post: approved_comment(post),
    "pages.Page": lambda post: Page.objects.create(title="About us", slug="about-us"),
    "pages.OldAddress": lambda post: OldAddress.objects.create(
        page=Page.objects.create(title="Staff", slug="staff"), path="/our-staff/"
    ),
    "pages.PageVersion": lambda post: PageVersion.objects.create(
        page=Page.objects.create(title="Privacy", slug="privacy"),
        number=1,
        title="Privacy",
        body="Old.",
        body_html="<p>Old.</p>",
        published_at=post.publish_at,
        replaced_at=post.publish_at,
    ),
}


def approved_comment(post):
    comment = Comment(post=post, author_name="Rosa", email="rosa@example.org", status="approved")
    comment.set_text("Pumped hydro deserves a mention.")
    comment.save()
    return comment


def test_every_public_model_has_a_maker_here():
    assert set(MAKERS) | {"publishing.Post_topics"} == set(changes.PUBLIC)


def times_heard(told, label, pk, *, deleted):
    return {
        name: sum(1 for c in committed if (c.label, c.pk, c.deleted) == (label, pk, deleted))
        for name, committed in told.items()
    }


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_a_save_and_a_delete_reach_every_consumer_once_after_the_commit(
    label, published_post, heard
):
    with transaction.atomic():
        row = MAKERS[label](published_post)
        assert times_heard(heard, label, row.pk, deleted=False) == dict.fromkeys(CONSUMERS, 0)
    assert times_heard(heard, label, row.pk, deleted=False) == dict.fromkeys(CONSUMERS, 1)

    pk = row.pk
    with transaction.atomic():
        row.delete()
        assert times_heard(heard, label, pk, deleted=True) == dict.fromkeys(CONSUMERS, 0)
    assert times_heard(heard, label, pk, deleted=True) == dict.fromkeys(CONSUMERS, 1)


def test_a_change_of_topics_reaches_every_consumer_once(published_post, heard):
    published_post.topics.clear()
    for name, committed in heard.items():
        topics = [c for c in committed if c.label == "publishing.Post_topics"]
        assert [c.post_ids for c in topics] == [{published_post.pk}], name


def test_a_change_rolled_back_reaches_no_consumer(published_post, heard):
    with transaction.atomic():
        published_post.topics.clear()
        with contextlib.suppress(IntegrityError), transaction.atomic():
            Topic.objects.create(name="Hydro", slug="hydro")
            Topic.objects.create(name="Hydro again", slug="hydro")
    told = {name: [c.label for c in told if c.label] for name, told in heard.items()}
    assert told == dict.fromkeys(CONSUMERS, ["publishing.Post_topics"])


def test_a_comment_awaiting_moderation_reaches_no_consumer(published_post, heard):
    comment = Comment(post=published_post, author_name="Rosa", email="rosa@example.org")
    comment.set_text("Not yet shown.")
    comment.save()
    assert heard == {name: [] for name in CONSUMERS}


def test_a_failing_consumer_is_logged_and_the_others_still_hear(
    published_post, heard, monkeypatch, caplog
):
    def broken(committed):
        raise RuntimeError("the search engine is down")

    monkeypatch.setitem(changes._consumers, "search", broken)
    with transaction.atomic():
        published_post.title = "Batteries Alone Will Not Do"
        published_post.save()
    assert "The search consumer failed" in caplog.text
    assert times_heard(heard, "publishing.Post", published_post.pk, deleted=False) == {
        "fragment version": 1, "public pictures": 1, "page version": 1, "search": 0,
        "references": 1, "static output": 1, "mail": 1,
    }  # fmt: skip
