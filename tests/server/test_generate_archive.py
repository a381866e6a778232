"""`masthead generate_archive`: a large archive for benchmarks, on an empty database only."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from masthead.discussion.models import Comment, Thread
from masthead.publishing.models import Post

pytestmark = pytest.mark.django_db


def test_it_makes_the_posts_and_approved_comments_asked_for_and_their_pages_show_them():
    call_command("generate_archive", posts=40, comments=300, blogs=2, authors=5, topics=4)
    assert Post.objects.public().count() == 40
    assert Comment.objects.approved().count() == 300
    busiest = Thread.objects.order_by("-approved_root_count").first()
    post = Post.objects.get(pk=busiest.post_id)
    page = Client().get(post.get_absolute_url())
    assert page.status_code == 200
    assert f"{busiest.approved_count} Comments" in page.content.decode()


def test_the_same_seed_makes_the_same_archive():
    call_command("generate_archive", posts=5, comments=0, seed=7)
    first = list(Post.objects.order_by("pk").values_list("title", flat=True))
    Post.objects.all().delete()
    call_command("generate_archive", posts=5, comments=0, seed=7, force=True)
    assert list(Post.objects.order_by("pk").values_list("title", flat=True)) == first


def test_a_database_with_posts_is_refused_unless_forced(published_post):
    with pytest.raises(CommandError, match="already has posts"):
        call_command("generate_archive", posts=5, comments=0)
    assert Post.objects.count() == 1
