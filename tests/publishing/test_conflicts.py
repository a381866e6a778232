"""Two editors on one post: a save over someone else's newer save is refused, with a comparison."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from masthead.publishing.models import Post
from tests.publishing.test_desk import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_editor_client(db):
    other = get_user_model().objects.create_user(
        "zora", "zora@harbour.example.org", "pw", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(other)
    return client


def test_the_second_of_two_conflicting_saves_is_refused_and_shown_both_versions(
    editor_client, second_editor_client, draft_post
):
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    mine = change_form_data(editor_client, url)
    theirs = change_form_data(second_editor_client, url)
    theirs["body"] = "Tariffs are a tax on our own buyers."
    assert second_editor_client.post(url, theirs).status_code == 302

    mine["body"] = "Tariffs protect some jobs at a cost to many more."
    refused = editor_client.post(url, mine)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved: zora saved a newer version of this post" in html
    assert "Tariffs are a tax on our own buyers.</del>" in html
    assert "Tariffs protect some jobs at a cost to many more.</ins>" in html
    draft_post.refresh_from_db()
    assert draft_post.body == "Tariffs are a tax on our own buyers."

    # Having compared, the editor chooses to keep their own text.
    form = refused.context["adminform"].form
    mine.update({"base_revision": form.data["base_revision"], "overwrite_newer": "on"})
    assert editor_client.post(url, mine).status_code == 302
    draft_post.refresh_from_db()
    assert draft_post.body == "Tariffs protect some jobs at a cost to many more."


def test_saving_twice_in_a_row_from_fresh_forms_is_no_conflict(editor_client, draft_post):
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    for text in ("First pass.", "Second pass."):
        data = change_form_data(editor_client, url)
        data["body"] = text
        assert editor_client.post(url, data).status_code == 302
    assert Post.objects.get().body == "Second pass."
