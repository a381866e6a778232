"""Nothing typed is lost: the post form keeps its text every few seconds, apart from the history."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.publishing.test_desk import change_form_data

pytestmark = pytest.mark.django_db


def autosave(client, post, **fields):
    url = f"/admin/publishing/post/{post.pk}/autosave/"
    return client.post(url, {"title": post.title, "summary": "", **fields})


def test_autosave_keeps_the_text_without_a_new_version_and_answers_with_the_preview(
    editor_client, draft_post
):
    revision, versions = draft_post.revision, draft_post.history.count()
    answer = autosave(
        editor_client,
        draft_post,
        body="## Costs\n\nTariffs *raise* prices.",
        base_revision=revision,
    ).json()
    assert answer["preview_html"] == "<h2>Costs</h2>\n<p>Tariffs <em>raise</em> prices.</p>\n"
    assert answer["words"] == 4 and answer["minutes"] == 1
    assert answer["others"] == [] and answer["saved_meanwhile"] is False
    draft_post.refresh_from_db()
    assert draft_post.revision == revision and draft_post.history.count() == versions
    assert draft_post.body != "## Costs\n\nTariffs *raise* prices."


def test_reopening_the_form_offers_the_unsaved_text_and_a_real_save_clears_it(
    editor_client, draft_post
):
    autosave(editor_client, draft_post, body="Text typed before the laptop died.")
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert "You have unsaved text from" in page
    assert "Text typed before the laptop died.</textarea>" in page
    data = change_form_data(editor_client, url)
    data["body"] = "Text typed before the laptop died."
    assert editor_client.post(url, data).status_code == 302
    assert "You have unsaved text" not in editor_client.get(url).content.decode()


def test_two_editors_on_one_post_are_told_of_each_other_and_of_a_save_meanwhile(
    editor_client, draft_post
):
    other = get_user_model().objects.create_user("zora", "z@example.org", "pw", is_staff=True,
                                                 is_superuser=True)  # fmt: skip
    zora = Client()
    zora.force_login(other)
    base = draft_post.revision
    autosave(zora, draft_post, body=draft_post.body, base_revision=base)
    answer = autosave(editor_client, draft_post, body=draft_post.body, base_revision=base).json()
    assert answer["others"] == ["zora"]
    draft_post.body = "Zora's saved text."
    draft_post.save()
    answer = autosave(editor_client, draft_post, body="Mine.", base_revision=base).json()
    assert answer["saved_meanwhile"] is True


def test_autosave_is_refused_for_a_post_one_may_not_change(client, draft_post):
    user = get_user_model().objects.create_user("visitor", "v@example.org", "pw", is_staff=True)
    client.force_login(user)
    response = autosave(client, draft_post, body="Sneaky.")
    assert response.status_code == 403
    assert not draft_post.autosaves.exists()
