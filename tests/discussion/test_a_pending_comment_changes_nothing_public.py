"""A comment awaiting moderation changes no public page, so it must not make anyone redo one.

Every cache and the static publisher key on versions and change records; a
submission that moved them would throw away every stored page of the site (or
re-render the post) for a comment nobody can see yet.
"""

import pytest

from masthead.discussion.models import Comment, Thread
from masthead.pagecache.version import page_version as page_cache_version
from masthead.publishing.fragment_version import fragment_version
from masthead.static_site.models import StaticChange

from .conftest import submit

pytestmark = pytest.mark.django_db


def versions():
    page_cache_version.refresh()
    return (
        page_cache_version.store.read(),
        page_cache_version.value,
        fragment_version(),
        list(Thread.objects.values_list("post_id", "version")),
    )


def test_a_submitted_comment_moves_no_content_version_and_no_thread_version(client, published_post):
    before = versions()
    response = submit(client, published_post, body="Pending, so seen by nobody yet.")
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert versions() == before


def test_a_submitted_comment_records_no_change_for_the_static_publisher_but_its_approval_does(
    settings, client, published_post, moderator
):
    settings.MASTHEAD_STATIC_PUBLISHING = True
    submit(client, published_post, body="Worth a page only once approved.")
    assert not StaticChange.objects.exists()
    Comment.objects.get().approve(by=moderator)
    assert StaticChange.objects.filter(subject=f"comments:{published_post.pk}").exists()


def test_an_accepted_comment_answer_carries_the_content_security_policy(client, published_post):
    response = submit(client, published_post)
    assert response.status_code == 302
    assert "default-src 'self'" in response["Content-Security-Policy"]
