"""Only public posts are ever found: never a draft, a post before its time, or any comment."""

import json

import pytest

from masthead.discussion.models import Comment

from ..discussion.conftest import (  # noqa: F401 (fixtures)
    fresh_cache_and_immediate_tasks,
    moderator,
    submit,
)
from .conftest import search_titles

pytestmark = pytest.mark.django_db

PENDING_TEXT = "Quixotically zygomorphic flywheels outperform everything."


def test_a_pending_comments_words_are_found_by_no_search(client, published_post):
    response = submit(client, published_post, body=PENDING_TEXT)
    assert response.status_code < 400
    assert Comment.objects.pending().filter(body__contains="zygomorphic").exists()
    for text in ["zygomorphic", "quixotically", '"zygomorphic flywheels"', "zygomor*"]:
        assert search_titles(client, text) == []
        suggestions = json.loads(client.get("/search/suggest/", {"q": text}).content)
        assert suggestions[1] == []


def test_an_approved_comment_does_not_make_its_post_a_search_result_either(
    client,
    published_post,
    moderator,  # noqa: F811 (the fixture)
):
    submit(client, published_post, body=PENDING_TEXT)
    Comment.objects.get(body__contains="zygomorphic").approve(by=moderator)
    assert search_titles(client, "zygomorphic") == []


def test_drafts_and_scheduled_posts_are_found_by_no_word_of_theirs(
    client, draft_post, scheduled_post
):
    for text in ["unfinished thoughts tariffs", "tariffs", "auction preview", "next week"]:
        assert search_titles(client, text) == []
    for text in ["tarif", "auct", "unfin"]:
        assert json.loads(client.get("/search/suggest/", {"q": text}).content)[1] == []
