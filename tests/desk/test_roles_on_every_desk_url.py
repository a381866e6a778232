"""Every desk address, tried by every role with GET and a hostile POST.

The table is built from the desk's own URL list, so a page added later is tried here
without anyone remembering to add it. Where a role may not read a post, its words never
appear in the answer; where it may not change it, nothing about it moves; and no desk
page but the workflow's own step moves a status or a publish time.
"""

import re

import pytest

from masthead.desk import urls as desk_urls
from masthead.publishing.models import (
    BodyImage,
    Post,
    PostAuthor,
    PostAutosave,
    PostTransition,
    Topic,
)
from tests.roles_table import cleo_and_ada, log_in

pytestmark = pytest.mark.django_db
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
ROLES = ["anonymous", "moderator", "ada", "cleo", "editor"]


# What a page is asked with, where it needs a question to answer at all.
QUERIES = {"names": "?kind=authors&q=Cleo"}


def desk_addresses():
    """(URL name, route with {pk} and {version_id}) for every desk page."""
    return [
        (
            pattern.name,
            "/desk/" + PARAMETER.sub(r"{\1}", str(pattern.pattern)) + QUERIES.get(pattern.name, ""),
        )
        for pattern in desk_urls.urlpatterns
    ]


ADDRESSES = desk_addresses()


def test_the_table_covers_every_kind_of_desk_page():
    names = {name for name, _ in ADDRESSES}
    assert {"home", "new", "new_autosave", "import", "write", "preview", "autosave", "images",
            "step", "history", "restore", "discard_autosave", "names"} <= names  # fmt: skip


@pytest.fixture
def cast(blog):
    return cleo_and_ada(blog)


def snapshot(posts):
    """Everything a hostile request could change about these posts, as plain values."""
    ids = [post.pk for post in posts.values()]
    rows = list(
        Post.objects.filter(pk__in=ids).order_by("pk").values_list(
            "pk", "title", "body", "summary", "slug", "status", "publish_at", "blog_id",
            "comments_open", "revision", "correction_note", "image_focus_x",
        )
    )  # fmt: skip
    bylines = list(
        PostAuthor.objects.filter(post__in=ids).order_by("pk").values_list("author_id", "position")
    )
    related = [
        model.objects.filter(post__in=ids).count()
        for model in [BodyImage, PostTransition, PostAutosave]
    ] + [Post.history.model.objects.filter(id__in=ids).count()]
    topics = list(Topic.objects.values_list("name", flat=True))
    return rows, bylines, related, topics


def hostile_form(post):
    """The writing view's form rewriting the post, and every workflow step asked at once."""
    return {
        "blog": post.blog_id, "title": "DEFACED by a hostile request", "slug": "defaced",
        "summary": "DEFACED", "body": "DEFACED by a hostile request", "comments_open": "",
        "publish_at": "2020-01-01T00:00", "byline": "Ada Okafor", "topic_names": "DEFACED",
        "image_focus_x": "0.1", "image_focus_y": "0.1", "action": "publish",
        "note": "DEFACED", "base_revision": "1", "alt": "a picture", "again": "replace",
    }  # fmt: skip


def fill(template, post):
    version = post.history.earliest("history_date").history_id
    return template.format(pk=post.pk, version_id=version)


@pytest.mark.parametrize("target", ["published", "draft", "scheduled"])
@pytest.mark.parametrize("role", ["anonymous", "moderator", "ada"])
def test_no_desk_page_shows_or_changes_a_post_for_someone_outside_its_byline(
    client, cast, role, target
):
    log_in(client, cast, role)
    post = cast["posts"][target]
    before = snapshot(cast["posts"])
    for _name, template in ADDRESSES:
        url = fill(template, post)
        read = client.get(url)
        assert "SECRET" not in read.content.decode(errors="replace"), f"{role} read at GET {url}"
        if role == "anonymous" and read.status_code != 405:  # 405: a page that only takes POST
            assert read.status_code == 302 and "/admin/login/" in read["Location"], url
        if role == "moderator":
            assert read.status_code in {302, 405} and "SECRET" not in read.get("Location", "")
        written = client.post(url, hostile_form(post))
        assert written.status_code in {200, 302, 400, 403, 404, 405}, (url, written.status_code)
        assert "SECRET" not in written.content.decode(errors="replace"), f"POST {url}"
        assert snapshot(cast["posts"]) == before, f"{role} changed {target} with POST {url}"
    assert (
        not Post.objects.filter(title__startswith="DEFACED")
        .exclude(bylines__author__user__username=role)
        .exists()
    )


def test_a_writer_reads_their_published_post_at_the_desk_but_changes_it_nowhere(client, cast):
    log_in(client, cast, "cleo")
    post = cast["posts"]["published"]
    before = snapshot(cast["posts"])
    for _name, template in ADDRESSES:
        url = fill(template, post)
        client.get(url)
        written = client.post(url, hostile_form(post))
        assert written.status_code in {200, 302, 400, 403, 404, 405}, (url, written.status_code)
        assert snapshot(cast["posts"]) == before, f"the writer changed their post with POST {url}"
    for url in [f"/desk/{post.pk}/", f"/desk/{post.pk}/preview/", f"/desk/{post.pk}/history/"]:
        answer = client.get(url)
        assert answer.status_code == 200 and "SECRET-published" in answer.content.decode(), url


@pytest.mark.parametrize("target", ["published", "draft", "scheduled"])
def test_an_editor_reads_every_desk_page_and_only_the_step_moves_a_status(client, cast, target):
    log_in(client, cast, "editor")
    post = cast["posts"][target]
    for name, template in ADDRESSES:
        if name in {"autosave", "new_autosave", "discard_autosave", "images", "step", "restore"}:
            continue  # answer POST only
        answer = client.get(fill(template, post))
        assert answer.status_code == 200, (name, answer.status_code)
    status, publish_at = post.status, post.publish_at
    for name, template in ADDRESSES:
        if name == "step":
            continue
        client.post(fill(template, post), hostile_form(post))
        post.refresh_from_db()
        assert post.status == status, name
        if status in Post.GOING_PUBLIC:
            # A draft's publish time is set in the side panel; a public one's only by a step.
            assert post.publish_at == publish_at, name
    assert not post.transitions.exists()


@pytest.mark.parametrize("role", ROLES)
def test_names_are_suggested_to_those_who_may_use_them_and_nobody_writes_through_them(
    client, cast, role
):
    log_in(client, cast, role)
    before = snapshot(cast["posts"])
    for kind in ["authors", "topics"]:
        answer = client.get("/desk/names/", {"kind": kind, "q": "c"})
        expected = {
            "anonymous": 302, "moderator": 302, "ada": 403 if kind == "authors" else 200,
            "cleo": 403 if kind == "authors" else 200, "editor": 200,
        }[role]  # fmt: skip
        assert answer.status_code == expected, (role, kind)
        if kind == "authors":
            assert ("Cleo Marsh" in answer.content.decode()) == (role == "editor")
        assert client.post("/desk/names/", {"kind": kind, "q": "c"}).status_code in {302, 405}
    assert snapshot(cast["posts"]) == before
