"""Pages for one person, for staff, and answers to forms: never stored, never served from it."""

from masthead.discussion.models import Comment
from tests.pagecache.conftest import add_comment

POST = "/energy/batteries-alone/"


def test_a_commenters_private_status_page_is_never_stored(client, site):
    comment = add_comment(site["post"], "Storage is cheap now.")
    url = comment.get_status_url()
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert "X-Cache" not in second
    assert "private" in second["Cache-Control"]


def test_the_moderation_queue_and_the_admin_are_never_stored(client, site, moderator):
    client.force_login(moderator)
    for url in ["/moderation/", "/admin/"]:
        client.get(url)
        assert "X-Cache" not in client.get(url)
    client.logout()
    for url in ["/moderation/", "/admin/login/"]:
        client.get(url)
        assert "X-Cache" not in client.get(url)


def test_a_preview_is_never_stored(client, site, editor):
    client.force_login(editor)
    url = f"/preview/{site['draft'].pk}/"
    assert client.get(url).status_code == 200
    assert "X-Cache" not in client.get(url)
    client.logout()
    assert "X-Cache" not in client.get(url)  # the sign-in page it sends a stranger to


def test_the_answer_to_a_comment_is_never_stored_and_the_post_page_stays_as_it_was(client, site):
    from tests.discussion.conftest import submit

    page = client.get(POST)
    response = submit(client, site["post"], body="A brand new comment, awaiting moderation.")
    assert response.status_code == 302
    assert "X-Cache" not in response
    again = client.get(POST)
    assert again["X-Cache"] == "hit"
    assert again.content == page.content
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1


def test_a_reply_form_page_is_never_stored(client, site):
    url = f"/comments/{site['post'].pk}/reply/{site['approved'].pk}/"
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_a_cite_page_for_a_style_still_being_prepared_is_not_stored(client, site, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    url = POST + "cite/?style=harvard-cite-them-right"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 202
    assert "X-Cache" not in second
