"""The index follows every change at once: no rebuild in normal use, and only public posts."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.publishing.models import Post, PostAuthor
from masthead.search.models import SearchDocument

from .conftest import search_titles

pytestmark = pytest.mark.django_db

TITLE = "Batteries Will Not Save the Grid Alone"


def test_a_published_post_is_found_as_soon_as_it_is_saved(client, published_post):
    assert search_titles(client, "transmission") == [TITLE]


def test_a_draft_is_never_found(client, draft_post):
    assert search_titles(client, "tariffs") == []


def test_a_scheduled_post_is_not_found_before_its_time(client, scheduled_post):
    assert search_titles(client, "auction") == []


def test_a_scheduled_post_is_found_once_its_time_has_come_without_any_reindexing(
    client, scheduled_post, monkeypatch
):
    three_days_later = timezone.now() + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: three_days_later)
    assert search_titles(client, "auction") == ["Next Week's Auction Preview"]


def test_publishing_a_draft_makes_it_findable(client, draft_post):
    draft_post.publish()
    assert search_titles(client, "tariffs") == ["Unfinished Thoughts on Tariffs"]


def test_unpublishing_a_post_takes_it_out_of_search(client, published_post):
    published_post.status = Post.Status.DRAFT
    published_post.save()
    assert search_titles(client, "transmission") == []


def test_a_deleted_post_is_not_found_and_leaves_no_document(client, published_post):
    published_post.delete()
    assert search_titles(client, "transmission") == []
    assert not SearchDocument.objects.exists()


def test_an_edited_title_is_found_by_its_new_words_only(client, published_post):
    published_post.title = "Pumped Hydro Is Underrated"
    published_post.save()
    assert search_titles(client, "hydro") == ["Pumped Hydro Is Underrated"]
    assert search_titles(client, "batteries") == []


def test_a_co_author_added_to_the_byline_is_found_by_name(client, published_post, research_team):
    PostAuthor.objects.create(post=published_post, author=research_team, position=5)
    assert search_titles(client, "Harbour Energy Team") == [TITLE]


def test_an_author_removed_from_the_byline_no_longer_finds_the_post(client, published_post, ben):
    PostAuthor.objects.filter(post=published_post, author=ben).delete()
    assert search_titles(client, "van der Berg") == []
    assert search_titles(client, "Okafor") == [TITLE]


def test_a_renamed_author_is_found_by_the_new_name(client, published_post, ada):
    ada.display_name = "Adaeze Okafor-Mensah"
    ada.save()
    assert search_titles(client, "Adaeze") == [TITLE]


def test_topics_added_removed_renamed_and_deleted_are_followed(client, published_post, topic):
    assert search_titles(client, "Grid Storage") == [TITLE]
    topic.name = "Long-Duration Storage"
    topic.save()
    assert search_titles(client, "long duration") == [TITLE]
    published_post.topics.remove(topic)
    assert search_titles(client, "long duration") == []
    topic.posts.add(published_post)
    assert search_titles(client, "long duration") == [TITLE]
    topic.posts.clear()
    assert search_titles(client, "long duration") == []
    published_post.topics.add(topic)
    topic.delete()
    assert search_titles(client, "long duration") == []


def test_rebuild_search_repairs_an_index_changed_behind_the_models_back(
    client, published_post, draft_post
):
    # A bulk update sends no signals: the index still has the old words.
    Post.objects.filter(pk=published_post.pk).update(title="Wind Auctions Explained")
    Post.objects.filter(pk=draft_post.pk).update(
        status=Post.Status.PUBLISHED, publish_at=timezone.now()
    )
    assert search_titles(client, "auctions") == []
    call_command("rebuild_search", stdout=io.StringIO())
    assert search_titles(client, "auctions") == ["Wind Auctions Explained"]
    assert search_titles(client, "tariffs") == ["Unfinished Thoughts on Tariffs"]


def test_rebuild_search_says_how_many_posts_it_indexed(published_post, draft_post, capsys):
    call_command("rebuild_search")
    assert "1 post (published or scheduled)" in capsys.readouterr().out


def test_a_post_an_editor_publishes_in_the_admin_is_found_by_its_words_authors_and_topics(
    editor_client, client, blog, ada, ben, topic
):
    from ..publishing.test_admin import submit_post
    from ..publishing.test_desk import change_form_data

    response = submit_post(
        editor_client, blog, [(0, ben), (1, ada)],
        body="Carbon prices bite once the cap tightens.", topics=[str(topic.pk)],
    )  # fmt: skip
    assert response.status_code == 302
    assert search_titles(client, "cap tightens") == []  # a draft is found by nobody
    url = f"/admin/publishing/post/{Post.objects.get(slug='carbon-prices').pk}/change/"
    for button in ["submit", "approve", "publish"]:
        editor_client.post(url, {**change_form_data(editor_client, url), "_desk": button})
    assert search_titles(client, "cap tightens") == ["Carbon Prices in Practice"]
    assert search_titles(client, "van der Berg Okafor") == ["Carbon Prices in Practice"]
    assert search_titles(client, "grid storage") == ["Carbon Prices in Practice"]
