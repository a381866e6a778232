"""The publishing models hold their own rules: validation, visibility, rendering."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.publishing.models import Author, Blog, Institution, Post
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def test_a_blog_may_not_take_a_reserved_top_level_name(institution):
    blog = Blog(name="Admin", slug="admin", tagline="x")
    with pytest.raises(ValidationError) as error:
        blog.full_clean()
    assert "reserved" in str(error.value)


def test_a_post_may_not_take_a_name_reserved_under_its_blog(blog):
    post = Post(blog=blog, title="Feed", slug="feed", body="x")
    with pytest.raises(ValidationError, match="reserved"):
        post.full_clean()


def test_there_is_only_one_institution(institution):
    second = Institution(name="Another", short_name="Another")
    with pytest.raises(ValidationError, match="one institution"):
        second.full_clean()


def test_a_person_needs_a_family_name_for_citations(db):
    author = Author(display_name="Ada", given_name="Ada", slug="ada")
    with pytest.raises(ValidationError) as error:
        author.full_clean()
    assert "family_name" in error.value.message_dict


def test_an_institutional_author_is_cited_by_one_name(db):
    team = Author(display_name="Energy Team", is_institutional=True, family_name="Team", slug="t")
    with pytest.raises(ValidationError, match="display name alone"):
        team.full_clean()
    team.family_name = ""
    team.full_clean()


def test_a_slug_is_unique_within_its_blog_but_not_across_blogs(blog, other_blog, ada):
    make_post(blog, [ada], title="Same", slug="same")
    make_post(other_blog, [ada], title="Same", slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_post(blog, [ada], title="Same again", slug="same")


def test_a_scheduled_post_needs_a_publish_time(blog):
    post = Post(blog=blog, title="Soon", slug="soon", body="x", status=Post.Status.SCHEDULED)
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "publish_at" in error.value.message_dict


def test_a_published_post_cannot_carry_a_future_time(blog):
    post = Post(
        blog=blog, title="Soon", slug="soon", body="x", status=Post.Status.PUBLISHED,
        publish_at=timezone.now() + datetime.timedelta(hours=1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Scheduled"):
        post.full_clean()


def test_a_featured_image_needs_alt_text(blog):
    post = Post(blog=blog, title="Pic", slug="pic", body="x", featured_image="posts/a.jpg")
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "image_alt" in error.value.message_dict


def test_publishing_without_a_time_stamps_now(blog, ada):
    post = make_post(blog, [ada], title="Now", slug="now", status=Post.Status.DRAFT)
    post.publish()
    assert post.status == Post.Status.PUBLISHED
    assert abs(post.publish_at - timezone.now()) < datetime.timedelta(seconds=5)
    assert post.is_public


def test_publishing_with_a_future_time_schedules_the_post(blog, ada):
    post = make_post(blog, [ada], title="Later", slug="later", status=Post.Status.DRAFT)
    post.publish(timezone.now() + datetime.timedelta(days=1))
    assert post.status == Post.Status.SCHEDULED
    assert not post.is_public


def test_only_public_posts_are_public(published_post, draft_post, scheduled_post):
    assert list(Post.objects.public()) == [published_post]


def test_a_scheduled_post_goes_public_by_itself_when_its_time_comes(scheduled_post):
    assert scheduled_post not in Post.objects.public()
    # Nothing runs at publish time: moving the clock past it is enough.
    Post.objects.filter(pk=scheduled_post.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert scheduled_post in Post.objects.public()


def test_the_body_is_rendered_once_to_sanitised_html(blog, ada):
    post = make_post(
        blog, [ada], title="Hostile", slug="hostile",
        body="# Heading\n\nText <script>alert(1)</script> [x](javascript:alert(1))"
        '\n\n<img src="x.png" onerror="alert(1)">',
    )  # fmt: skip
    assert "<h2>Heading</h2>" in post.body_html
    assert "<h1>" not in post.body_html
    assert "<script" not in post.body_html
    assert 'href="javascript' not in post.body_html
    assert "onerror" not in post.body_html


def test_every_save_bumps_the_revision(published_post):
    first = published_post.revision
    published_post.title = "Batteries Alone Will Not Save the Grid"
    published_post.save()
    assert published_post.revision == first + 1


def test_the_byline_keeps_the_editors_order(blog, ada, ben, research_team):
    post = make_post(blog, [ben, research_team, ada], title="Three", slug="three")
    fetched = Post.objects.with_byline().get(pk=post.pk)
    assert [a.display_name for a in fetched.byline] == [
        "Ben van der Berg", "Harbour Energy Team", "Ada Okafor",
    ]  # fmt: skip
