"""Titles are plain text: what a writer types, tags included, is shown as typed, never run.

(Converting a WordPress title's markup on import is the importer's; this is about a title
typed into Masthead itself.)
"""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_post

pytestmark = pytest.mark.django_db

TYPED = "Prices <em>Fell</em> & Wages <b>Rose</b>"
SHOWN = "Prices &lt;em&gt;Fell&lt;/em&gt; &amp; Wages &lt;b&gt;Rose&lt;/b&gt;"


def test_a_title_typed_with_tags_shows_them_as_text_on_every_page(client, blog, ada, topic):
    post = make_post(blog, [ada], title=TYPED, slug="typed", body="Prices and wages moved.",
                     publish_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    post.topics.add(topic)
    month = timezone.localtime(post.publish_at)
    for url in [
        "/", blog.get_absolute_url(), ada.get_absolute_url(), topic.get_absolute_url(),
        f"/archive/{month.year}/{month.month}/", post.get_absolute_url(), "/search/?q=wages",
        "/feed/", "/feed/rss/",
    ]:  # fmt: skip
        html = client.get(url).content.decode()
        assert "<em>Fell</em>" not in html and "<b>Rose</b>" not in html, url
        assert "Fell" in html, url
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'<h1 id="post-title" class="post__title">{SHOWN}</h1>' in page
    assert f"<title>{SHOWN} ·" in page
    assert client.get("/feed/json/").json()["items"][0]["title"] == TYPED
