"""Every admin address that reads or writes a post, tried by every role, GET and POST.

The table is built from the admin's own URL list, so a view added later (by us or by a
package's ModelAdmin) is tried here without anyone remembering to add it. Where a role
may not read, the post's words never appear in the answer; where it may not change,
nothing in the database moves; and no page, not even an editor's restore, changes a
post's status or publish time outside the desk's transitions.
"""

import datetime

import pytest
from django.utils import timezone

from masthead.publishing.models import (
    Author,
    BodyImage,
    Post,
    PostAuthor,
    PostAutosave,
    PostTransition,
    PostVersion,
    PreviewLink,
)
from tests.publishing.test_desk import change_form_data
from tests.roles_table import admin_url_templates, cleo_and_ada, log_in

pytestmark = pytest.mark.django_db

# The models whose admin pages show or change a post or what hangs on it.
GUARDED_MODELS = [Post, BodyImage, PostAuthor, PreviewLink, PostTransition, PostVersion]


def admin_addresses():
    """(model name, URL template with {0} {1} for its arguments) for every guarded admin URL."""
    historical = {model.history.model for model in GUARDED_MODELS if hasattr(model, "history")}
    return [
        (model.__name__, template)
        for model, template in admin_url_templates({*GUARDED_MODELS, *historical})
    ]


ADDRESSES = admin_addresses()


def test_the_table_covers_the_post_admin_and_simple_historys_pages():
    templates = {template for _model, template in ADDRESSES}
    for expected in [
        "/admin/publishing/post/",
        "/admin/publishing/post/add/",
        "/admin/publishing/post/{0}/change/",
        "/admin/publishing/post/{0}/history/",
        "/admin/publishing/post/{0}/history/{1}/",
        "/admin/publishing/post/{0}/delete/",
        "/admin/publishing/post/{0}/autosave/",
        "/admin/publishing/post/{0}/images/",
        "/admin/publishing/post/{0}/compare/",
    ]:
        assert expected in templates


@pytest.fixture
def cast(blog):
    """Cleo writes three posts (published, draft, scheduled); Ada writes none of them."""

    def workflow_and_link(post):
        PostTransition.objects.create(post=post, from_status="draft", to_status=post.status)
        PreviewLink.objects.create(
            post=post, expires_at=timezone.now() + datetime.timedelta(days=1)
        )

    return cleo_and_ada(blog, workflow_and_link)


def snapshot():
    """Everything a hostile request could change about the posts, as plain values."""
    posts = list(
        Post.objects.order_by("pk").values_list(
            "pk", "title", "body", "summary", "slug", "status", "publish_at", "blog_id",
            "comments_open", "revision",
        )
    )  # fmt: skip
    bylines = list(
        PostAuthor.objects.order_by("pk").values_list("post_id", "author_id", "position")
    )
    links = list(PreviewLink.objects.order_by("pk").values_list("pk", "revoked", "expires_at"))
    counts = [
        model.objects.count()
        for model in [BodyImage, PostTransition, PostAutosave, PostVersion, Post.history.model]
    ]
    return posts, bylines, links, counts


def hostile_form(post):
    """A change form rewriting the post and asking for every state change at once."""
    today = timezone.localtime()
    return {
        "blog": post.blog_id, "title": "DEFACED by a hostile request", "slug": post.slug,
        "summary": "DEFACED", "body": "DEFACED by a hostile request", "comments_open": "on",
        "status": "published", "publish_at_0": today.strftime("%Y-%m-%d"),
        "publish_at_1": "00:00:00", "image_alt": "", "image_caption": "", "image_credit": "",
        "updated_at_0": "", "updated_at_1": "", "correction_note": "",
        "bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0", "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-position": "0", "bylines-0-author": Author.objects.get(slug="ada").pk,
        "_desk": "publish", "action": "transition_publish", "_selected_action": post.pk,
        "post": "yes", "alt": "a picture", "index": "0",
    }  # fmt: skip


def arguments_for(model_name, post):
    if model_name == "PostTransition":
        return [post.transitions.first().pk]
    if model_name == "PreviewLink":
        return [post.preview_links.first().pk]
    return [post.pk, post.history.earliest("history_date").history_id]


def fill(template, model_name, post):
    return template.format(*arguments_for(model_name, post))


def refused_readers(role, target):
    """Who may not read ``target``: everyone but its editors and its own writer."""
    return role in {"anonymous", "moderator", "ada"}


@pytest.mark.parametrize("target", ["published", "draft", "scheduled"])
@pytest.mark.parametrize("role", ["anonymous", "moderator", "ada"])
def test_no_admin_page_shows_or_changes_a_post_for_someone_outside_its_byline(
    client, cast, role, target
):
    log_in(client, cast, role)
    post = cast["posts"][target]
    before = snapshot()
    for model_name, template in ADDRESSES:
        url = fill(template, model_name, post)
        read = client.get(url)
        page = read.content.decode(errors="replace")
        assert "SECRET" not in page, f"{role} read {target} at GET {url}"
        written = client.post(url, hostile_form(post))
        assert written.status_code in {200, 302, 400, 403, 404, 405}, (url, written.status_code)
        assert "SECRET" not in written.content.decode(errors="replace"), f"POST {url}"
        assert snapshot() == before, f"{role} changed {target} with POST {url}"


def test_a_writer_reads_their_published_post_everywhere_but_changes_it_nowhere(client, cast):
    log_in(client, cast, "cleo")
    post = cast["posts"]["published"]
    before = snapshot()
    readable = 0
    for model_name, template in ADDRESSES:
        url = fill(template, model_name, post)
        if client.get(url).status_code == 200:
            readable += 1
        written = client.post(url, hostile_form(post))
        assert written.status_code in {200, 302, 400, 403, 404, 405}, (url, written.status_code)
        assert snapshot() == before, f"the writer changed their published post with POST {url}"
    # Their own post's form, its versions and its comparison are theirs to read.
    for url in [
        f"/admin/publishing/post/{post.pk}/change/",
        f"/admin/publishing/post/{post.pk}/history/",
        f"/admin/publishing/post/{post.pk}/compare/",
        fill("/admin/publishing/post/{0}/history/{1}/", "Post", post),
    ]:
        answer = client.get(url)
        assert answer.status_code == 200 and "SECRET-published" in answer.content.decode(), url
    assert readable >= 4


@pytest.mark.parametrize("target", ["published", "draft", "scheduled"])
def test_an_editor_restores_text_but_no_page_moves_a_status_or_publish_time(client, cast, target):
    log_in(client, cast, "editor")
    post = cast["posts"][target]
    status, publish_at = post.status, post.publish_at
    history_urls = [t for _m, t in ADDRESSES if "/history/{0}/" in t.replace("{1}", "{0}")]
    assert history_urls
    for template in history_urls:
        url = fill(template, "Post", post)
        assert client.get(url).status_code == 200
        assert client.post(url, hostile_form(post)).status_code in {200, 302}
        post.refresh_from_db()
        assert (post.status, post.publish_at) == (status, publish_at), url
    assert post.title == "DEFACED by a hostile request"  # the editor's restore did save
    assert not post.transitions.exclude(by=None).exists()


def test_a_restored_older_draft_version_keeps_a_published_post_online(client, cast):
    log_in(client, cast, "editor")
    post = cast["posts"]["published"]
    first = post.history.earliest("history_date")
    url = f"/admin/publishing/post/{post.pk}/history/{first.history_id}/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["blog"] = post.blog_id
    data["comments_open"] = "on"
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert post.is_public and post.body == "SECRET-published-body"
    assert client.get(post.get_absolute_url()).status_code == 200


def test_writers_make_no_reviewer_preview_links_even_for_their_own_draft(client, cast):
    log_in(client, cast, "cleo")
    draft = cast["posts"]["draft"]
    links = PreviewLink.objects.count()
    client.post(
        "/admin/publishing/post/",
        {"action": "make_preview_links", "_selected_action": draft.pk},
    )
    url = f"/admin/publishing/post/{draft.pk}/change/"
    client.post(url, {**hostile_form(draft), "_desk": "preview_link"})
    assert PreviewLink.objects.count() == links
    assert "Make a reviewer preview link" not in client.get(url).content.decode()


def test_a_writer_cannot_put_a_colleague_into_or_ahead_in_their_drafts_byline(client, cast):
    log_in(client, cast, "cleo")
    draft = cast["posts"]["draft"]
    own = draft.bylines.get()
    ada = Author.objects.get(slug="ada")
    url = f"/admin/publishing/post/{draft.pk}/change/"
    data = change_form_data(client, url)
    data.update({
        "title": "Cleo's draft, retitled",
        "bylines-TOTAL_FORMS": "2", "bylines-INITIAL_FORMS": "1",
        "bylines-MIN_NUM_FORMS": "1", "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-id": own.pk, "bylines-0-post": draft.pk, "bylines-0-position": "5",
        "bylines-0-author": own.author_id,
        "bylines-1-position": "0", "bylines-1-author": ada.pk, "bylines-1-post": draft.pk,
    })  # fmt: skip
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Cleo's draft, retitled"  # the writer's own edit went through
    assert list(draft.bylines.values_list("author_id", "position")) == [
        (own.author_id, own.position)
    ]
    client.force_login(cast["ada"])
    assert "SECRET" not in client.get(url).content.decode()
