"""Related posts on a post page: shared authors and topics, recent ones first, at a fixed cost."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.publishing.models import Post, Topic
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def related_titles(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    section = re.search(r'<aside class="related-posts".*?</aside>', page, re.S)
    if section is None:
        return []
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section.group())


def post_on(topic, blog, authors, title, days):
    post = make_post(blog, authors, title=title, publish_at=days_ago(days))
    if topic:
        post.topics.add(topic)
    return post


def test_a_post_page_lists_public_posts_sharing_an_author_or_topic_and_nothing_else(
    client, published_post, draft_post, blog, other_blog, ada, research_team, topic
):
    post_on(None, other_blog, [ada], "Same Author Elsewhere", 5)
    post_on(topic, blog, [research_team], "Same Topic", 6)
    post_on(None, blog, [research_team], "Unrelated", 1)
    draft_post.topics.add(topic)
    assert set(related_titles(client, published_post)) == {"Same Author Elsewhere", "Same Topic"}


def test_a_shared_author_counts_more_than_a_shared_topic(
    client, published_post, blog, ada, research_team, topic
):
    post_on(topic, blog, [research_team], "Same Topic", 5)
    post_on(None, blog, [ada], "Same Author", 5)
    assert related_titles(client, published_post) == ["Same Author", "Same Topic"]


def test_a_recent_post_outranks_an_old_one_with_as_much_or_a_little_more_in_common(
    client, published_post, blog, ada, research_team, topic
):
    post_on(topic, blog, [ada], "Five Years Old, Author and Topic", 5 * 365)
    post_on(topic, blog, [research_team], "Two Years Old, Topic", 2 * 365)
    post_on(None, blog, [ada], "Last Week, Author", 7)
    assert related_titles(client, published_post) == [
        "Last Week, Author",
        "Five Years Old, Author and Topic",
        "Two Years Old, Topic",
    ]


def test_a_post_with_nothing_in_common_shows_no_related_section(client, published_post):
    assert "Related posts" not in client.get(published_post.get_absolute_url()).content.decode()


def test_a_newly_published_or_withdrawn_post_changes_the_list_at_once(
    client, published_post, draft_post, topic
):
    assert related_titles(client, published_post) == []  # now cached
    draft_post.topics.add(topic)
    draft_post.publish()
    assert related_titles(client, published_post) == [draft_post.title]
    draft_post.status = Post.Status.DRAFT
    draft_post.save()
    assert related_titles(client, published_post) == []


def page_queries(client, post):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(post.get_absolute_url()).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_post_pages_query_count_does_not_grow_with_more_posts_and_topics(
    client, published_post, blog, other_blog, ada, ben, topic
):
    post_on(topic, blog, [ben], "One Related", 3)
    before = page_queries(client, published_post)
    for number in range(25):
        extra = Topic.objects.create(name=f"Subject {number}", slug=f"subject-{number}")
        published_post.topics.add(extra)
        post = post_on(extra, other_blog if number % 2 else blog, [ada], f"More {number}", number)
        post.topics.add(topic)
    after = page_queries(client, published_post)
    assert len(related_titles(client, published_post)) == 3
    assert len(after) == len(before)


def test_a_second_view_reads_the_related_posts_without_scoring_them_again(
    client, published_post, blog, ben, topic
):
    post_on(topic, blog, [ben], "One Related", 3)
    first = page_queries(client, published_post)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(published_post.get_absolute_url()).content.decode()
    second = [q["sql"] for q in queries.captured_queries]
    assert "One Related" in page
    assert sum(map(is_scoring, first)) == 1
    assert sum(map(is_scoring, second)) == 0


def is_scoring(sql):
    return "COUNT(" in sql and '"publishing_post_topics"' in sql


def test_a_post_without_a_byline_still_finds_posts_on_its_topics(client, blog, ada, topic):
    unsigned = post_on(topic, blog, [], "Unsigned Note", 2)
    post_on(topic, blog, [ada], "Signed Note", 3)
    assert related_titles(client, unsigned) == ["Signed Note"]
