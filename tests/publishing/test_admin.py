"""Editors write, schedule and correct posts in the Django admin."""

import datetime

import pytest
from django.utils import timezone

from masthead.publishing.models import Post
from tests.publishing.test_desk import change_form_data

pytestmark = pytest.mark.django_db


def test_the_post_list_filters_by_status_blog_author_and_date(
    editor_client, published_post, draft_post, scheduled_post, other_blog
):
    html = editor_client.get("/admin/publishing/post/").content.decode()
    for heading in ["By status", "By blog", "By authors", "By publish time"]:
        assert heading in html
    drafts = editor_client.get("/admin/publishing/post/?status__exact=draft").content.decode()
    assert draft_post.title in drafts and published_post.title not in drafts
    found = editor_client.get("/admin/publishing/post/?q=Batteries").content.decode()
    assert published_post.title in found and draft_post.title not in found


def test_the_post_list_links_drafts_to_their_preview(editor_client, draft_post):
    html = editor_client.get("/admin/publishing/post/").content.decode()
    assert f'<a href="/preview/{draft_post.pk}/">Preview</a>' in html


def test_the_post_form_prefills_the_slug_and_orders_co_authors(editor_client, institution):
    html = editor_client.get("/admin/publishing/post/add/").content.decode()
    assert "data-prepopulated-fields" in html and "#id_slug" in html
    assert "Byline (in order: lowest position first)" in html


def submit_post(client, blog, authors, **overrides):
    data = {
        "blog": blog.pk, "title": "Carbon Prices in Practice", "slug": "carbon-prices",
        "summary": "", "body": "Text.", "status": "scheduled",
        "publish_at_0": "", "publish_at_1": "", "comments_open": "on",
        "image_alt": "", "image_caption": "", "image_credit": "",
        "updated_at_0": "", "updated_at_1": "", "correction_note": "",
        "bylines-TOTAL_FORMS": str(len(authors)), "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1", "bylines-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index, (position, author) in enumerate(authors):
        data[f"bylines-{index}-position"] = str(position)
        data[f"bylines-{index}-author"] = str(author.pk)
    data.update(overrides)
    return client.post("/admin/publishing/post/add/", data)


def test_a_status_sent_with_the_post_form_is_ignored_even_from_an_administrator(
    editor_client, blog, ada
):
    response = submit_post(editor_client, blog, [(0, ada)], status="published")
    assert response.status_code == 302
    post = Post.objects.get(slug="carbon-prices")
    assert post.status == Post.Status.DRAFT and not post.is_public
    assert not post.transitions.exists()


def test_an_editor_schedules_a_co_authored_post_in_byline_order(editor_client, blog, ada, ben):
    when = timezone.localtime() + datetime.timedelta(days=3)
    response = submit_post(
        editor_client, blog, [(1, ada), (0, ben)],
        publish_at_0=when.strftime("%Y-%m-%d"), publish_at_1=when.strftime("%H:%M:%S"),
    )  # fmt: skip
    assert response.status_code == 302
    post = Post.objects.with_byline().get(slug="carbon-prices")
    assert [a.display_name for a in post.byline] == ["Ben van der Berg", "Ada Okafor"]
    url = f"/admin/publishing/post/{post.pk}/change/"
    for button in ["submit", "approve", "publish"]:
        data = change_form_data(editor_client, url)
        assert editor_client.post(url, {**data, "_desk": button}).status_code == 302
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED and not post.is_public
    assert abs((post.publish_at - when).total_seconds()) < 1
    steps = list(post.transitions.order_by("at", "pk").values_list("to_status", flat=True))
    assert steps == ["in_review", "approved", "scheduled"]


def test_a_substantive_update_stamps_the_updated_time(editor_client, published_post):
    url = f"/admin/publishing/post/{published_post.pk}/change/"
    form = editor_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    stamp = timezone.localtime(published_post.publish_at)
    data.update({
        "blog": published_post.blog_id, "publish_at_0": stamp.strftime("%Y-%m-%d"),
        "publish_at_1": stamp.strftime("%H:%M:%S"), "updated_at_0": "", "updated_at_1": "",
        "substantive_update": "on", "correction_note": "Corrected the capacity figure.",
        "topics": [t.pk for t in published_post.topics.all()], "comments_open": "on",
        "bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0", "bylines-MAX_NUM_FORMS": "1000",
        "body_images-TOTAL_FORMS": "0", "body_images-INITIAL_FORMS": "0",
        "body_images-MIN_NUM_FORMS": "0", "body_images-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    for key in ("featured_image", "id", "authors"):
        data.pop(key, None)
    links = list(published_post.bylines.all())
    data["bylines-TOTAL_FORMS"] = data["bylines-INITIAL_FORMS"] = str(len(links))
    for index, link in enumerate(links):
        data.update({
            f"bylines-{index}-id": link.pk, f"bylines-{index}-post": published_post.pk,
            f"bylines-{index}-position": link.position, f"bylines-{index}-author": link.author_id,
        })  # fmt: skip
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    published_post.refresh_from_db()
    assert published_post.updated_at is not None
    assert published_post.correction_note == "Corrected the capacity figure."
    # The text readers saw before the update stays readable as version 1.
    assert [v.number for v in published_post.versions.all()] == [1]
