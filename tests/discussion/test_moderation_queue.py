"""The moderation queue at /moderation/, as a moderator uses it."""

import pytest
from django.contrib.auth import get_user_model

from masthead.discussion.models import Comment, ModerationDecision, ModerationRules

from .conftest import submit

pytestmark = pytest.mark.django_db


def shown(comment, action, **more) -> dict:
    """A decision as the queue's form sends it: with the revision of the text it showed."""
    return {"action": action, "revision": comment.revision, **more}


@pytest.fixture
def three_pending(client, published_post):
    for number, email in enumerate(["ann@example.org", "ann@example.org", "bob@example.org"]):
        submit(client, published_post, body=f"Pending number {number}", email=email)
    return list(Comment.objects.order_by("pk"))


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/moderation/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_outside_the_moderators_group_are_refused(client, db):
    outsider = get_user_model().objects.create_user("clerk", is_staff=True)
    client.force_login(outsider)
    assert client.get("/moderation/").status_code == 403


def test_the_queue_lists_pending_comments_oldest_first_with_post_and_reasons(
    moderator_client, three_pending, published_post
):
    html = moderator_client.get("/moderation/").content.decode()
    assert (
        html.index("Pending number 0")
        < html.index("Pending number 1")
        < html.index("Pending number 2")
    )
    assert published_post.title in html
    assert "ann@example.org" in html
    assert "First-time commenter" in html
    assert "<strong>3</strong> awaiting moderation" in html
    for shortcut in ('data-shortcut="a"', 'data-shortcut="r"', 'data-shortcut="s"'):
        assert shortcut in html
    assert "discussion/moderation.js" in html


def test_one_click_approves_and_the_log_records_who(moderator_client, three_pending, moderator):
    target = three_pending[0]
    response = moderator_client.post(f"/moderation/{target.pk}/decide/", shown(target, "approve"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == Comment.Status.APPROVED
    entry = ModerationDecision.objects.get()
    assert (entry.moderator, entry.action) == (moderator, "approve")
    html = moderator_client.get("/moderation/").content.decode()
    assert "Pending number 0" not in html
    assert "<strong>1</strong> published" in html


def test_rejecting_with_a_reason_from_the_list_keeps_the_reason(moderator_client, three_pending):
    target = three_pending[1]
    moderator_client.post(
        f"/moderation/{target.pk}/decide/", shown(target, "reject", reason="Off topic")
    )
    target.refresh_from_db()
    assert (target.status, target.rejection_reason) == ("rejected", "Off topic")
    log = moderator_client.get("/moderation/log/").content.decode()
    assert "Rejected" in log and "Off topic" in log and "mod" in log


def test_a_reason_not_on_the_list_is_refused(moderator_client, three_pending):
    target = three_pending[1]
    response = moderator_client.post(
        f"/moderation/{target.pk}/decide/", shown(target, "reject", reason="made up"), follow=True
    )
    assert "Choose approve, reject or spam" in response.content.decode()
    target.refresh_from_db()
    assert target.status == "pending"


def test_spam_is_one_click_too(moderator_client, three_pending):
    target = three_pending[2]
    moderator_client.post(f"/moderation/{target.pk}/decide/", shown(target, "spam"))
    assert Comment.objects.get(pk=three_pending[2].pk).status == Comment.Status.SPAM


def test_bulk_actions_apply_to_the_ticked_comments_only(moderator_client, three_pending):
    ticked = [f"{c.pk}:{c.revision}" for c in (three_pending[0], three_pending[2])]
    response = moderator_client.post(
        "/moderation/bulk/", {"action": "approve", "comments": ticked}, follow=True
    )
    assert "2 comments approved." in response.content.decode()
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses[three_pending[0].pk] == statuses[three_pending[2].pk] == "approved"
    assert statuses[three_pending[1].pk] == "pending"


def test_reject_all_pending_from_this_commenter(moderator_client, three_pending):
    moderator_client.post(f"/moderation/{three_pending[0].pk}/reject-commenter/")
    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["rejected", "rejected", "pending"]
    assert ModerationDecision.objects.filter(action="reject").count() == 2


def test_deciding_twice_changes_nothing_the_second_time(moderator_client, three_pending):
    url = f"/moderation/{three_pending[0].pk}/decide/"
    moderator_client.post(url, shown(three_pending[0], "approve"))
    response = moderator_client.post(url, shown(three_pending[0], "approve"), follow=True)
    assert "already decided" in response.content.decode()
    assert ModerationDecision.objects.count() == 1


def test_moderators_edit_the_link_limit_and_word_list(moderator_client, client, published_post):
    response = moderator_client.post(
        "/moderation/rules/", {"max_links": "0", "listed_words": "lottery\nfree money"}
    )
    assert response.status_code == 302
    rules = ModerationRules.current()
    assert rules.max_links == 0 and rules.word_list == ["lottery", "free money"]


def test_the_moderation_pages_are_not_for_search_engines(moderator_client):
    assert (
        'name="robots" content="noindex"' in moderator_client.get("/moderation/").content.decode()
    )


def test_migrating_creates_the_moderators_group_with_the_queue_permission(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"moderate_comment", "view_comment", "change_moderationrules"} <= codenames


def test_the_demo_moderator_login_opens_the_queue(client, published_post):
    from masthead.server.sample.comments import ensure_moderator_login, load_sample_comments

    username, password = ensure_moderator_login()
    summary = load_sample_comments()
    assert "3 published, 2 awaiting moderation" in summary
    assert "already" in load_sample_comments()  # running it again adds nothing
    signed_in = client.post(
        "/admin/login/?next=/moderation/", {"username": username, "password": password}
    )
    assert signed_in["Location"] == "/moderation/"
    html = client.get("/moderation/").content.decode()
    assert "<strong>2</strong> awaiting moderation" in html
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert '<h2 id="comments-heading">3 Comments</h2>' in page


def staff_with(client, *codenames):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("clerk", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.mark.parametrize("action", ["approve_selected", "reject_selected", "mark_selected_spam"])
def test_staff_without_the_queue_permission_take_no_decision_through_the_admin(
    client, reader_client, published_post, action
):
    submit(reader_client, published_post)
    comment = Comment.objects.get()
    clerk = staff_with(client, "view_comment", "change_comment")
    assert clerk.get("/moderation/").status_code == 403
    clerk.post(
        "/admin/discussion/comment/",
        {"action": action, "_selected_action": [comment.pk], "index": 0},
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_moderators_take_comments_down_through_the_admin_but_approve_in_the_queue(
    moderator_client, reader_client, published_post
):
    submit(reader_client, published_post)
    comment = Comment.objects.get()
    changelist = moderator_client.get("/admin/discussion/comment/").content.decode()
    assert "reject_selected" in changelist and "approve_selected" not in changelist
    moderator_client.post(
        "/admin/discussion/comment/",
        {"action": "reject_selected", "_selected_action": [comment.pk], "index": 0},
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED


@pytest.mark.parametrize(
    "url",
    ["/moderation/", "/moderation/log/", "/moderation/rules/",
     "/moderation/commenter/?email=ann%40example.org"],
)  # fmt: skip
def test_moderation_pages_that_show_commenters_are_never_stored(
    moderator_client, three_pending, url
):
    response = moderator_client.get(url)
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
