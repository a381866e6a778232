"""A site with something on every kind of page: posts with images, comments, a queue."""

import pytest
from django.core.cache import cache

from masthead.citations.formatting import core_styles, format_posts
from masthead.discussion.models import Comment
from masthead.discussion.roles import ensure_moderators_group
from masthead.publishing.models import Post
from tests.conftest import illustrate


@pytest.fixture(autouse=True)
def fresh_cache():
    """Comment rate limits and cached pages start empty in every test."""
    cache.clear()
    yield
    cache.clear()


def comment_on(post, name, text, approved=False):
    comment = Comment(post=post, author_name=name, email=f"{name.lower()}@example.org")
    comment.set_text(text)
    comment.save()
    if approved:
        comment.approve()
    return comment


@pytest.fixture
def furnished_post(published_post):
    """The shared post with its image, its formatted references and a discussion."""
    illustrate(published_post, alt="A substation at dusk", caption="Substation", credit="Staff")
    format_posts([Post.objects.with_byline().get(pk=published_post.pk)], core_styles())
    comment_on(published_post, "Rosa", "Transmission is the bottleneck.", approved=True)
    comment_on(published_post, "Omar", "Storage is cheaper every year.")
    return published_post


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "mod", "mod@harbour.example.org", "moderating is care", is_staff=True
    )
    user.groups.add(ensure_moderators_group())
    return user
