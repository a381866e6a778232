"""Every saved version of a post is kept with who saved it; editors compare two and restore one."""

import pytest
from django.contrib.auth.models import Group

from masthead.publishing.models import Post
from tests.publishing.test_desk import change_form_data

pytestmark = pytest.mark.django_db


def test_each_save_keeps_a_version_with_its_author_and_time(editor_client, editor, draft_post):
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    data = change_form_data(editor_client, url)
    data["body"] = "A first paragraph.\n\nA second paragraph, rewritten."
    assert editor_client.post(url, data).status_code == 302
    versions = list(draft_post.history.order_by("history_date"))
    assert len(versions) == 2
    assert versions[0].history_type == "+" and versions[1].history_type == "~"
    assert versions[1].history_user == editor
    assert versions[1].body.endswith("rewritten.")


def test_an_editor_compares_two_versions_as_lines_removed_and_added(editor_client, draft_post):
    draft_post.body = "Tariffs rose.\n\nImports fell by a third."
    # A written summary: an automatic one would follow the body and be listed as changed.
    draft_post.summary = "Tariffs and imports."
    draft_post.save()
    draft_post.body = "Tariffs rose.\n\nImports fell by a quarter."
    draft_post.title = "Finished Thoughts on Tariffs"
    draft_post.save()
    versions = list(draft_post.history.order_by("history_date"))
    page = editor_client.get(
        f"/admin/publishing/post/{draft_post.pk}/compare/"
        f"?from={versions[1].history_id}&to={versions[2].history_id}"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert '<li class="removed"><del><span class="visually-hidden">Removed: </span>' in html
    assert "Imports fell by a third.</del>" in html and "Imports fell by a quarter.</ins>" in html
    assert "<h2>Title</h2>" in html and "<h2>Summary</h2>" not in html
    assert '<li class="same">Tariffs rose.</li>' in html


def test_an_editor_restores_an_older_version(editor_client, draft_post):
    original_body = draft_post.body
    draft_post.body = "A worse version."
    draft_post.save()
    first = draft_post.history.earliest("history_date")
    url = f"/admin/publishing/post/{draft_post.pk}/history/{first.history_id}/"
    data = change_form_data(editor_client, url)
    assert editor_client.post(url, data).status_code == 302
    draft_post.refresh_from_db()
    assert draft_post.body == original_body
    assert draft_post.history.count() == 3


def test_a_substantive_update_is_marked_among_the_versions(editor_client, published_post):
    url = f"/admin/publishing/post/{published_post.pk}/change/"
    data = change_form_data(editor_client, url)
    data.update({"substantive_update": "on", "correction_note": "Fixed the capacity figure."})
    assert editor_client.post(url, data).status_code == 302
    latest = published_post.history.latest("history_date")
    assert latest.history_change_reason == "Substantive update: Fixed the capacity figure."
    assert latest.updated_at is not None


def test_a_writer_cannot_compare_versions_of_a_colleagues_post(client, ben, blog, draft_post):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ben", "b@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Writers"))
    ben.user = user
    ben.save()
    client.force_login(user)
    assert client.get(f"/admin/publishing/post/{draft_post.pk}/compare/").status_code == 404
    assert Post.objects.count() == 1
