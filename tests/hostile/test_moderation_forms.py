"""The moderators' forms, and the sign-in form, with garbage in every field.

A moderator's slip or a forged form must not break the queue or write a
decision that was not taken.
"""

import pytest
from django import forms
from django.core.cache import cache
from hypothesis import example, given
from hypothesis import strategies as st

from masthead.discussion.models import (
    REJECTION_REASONS,
    Comment,
    ModerationDecision,
    ModerationRules,
)

from .conftest import HOSTILE, anonymous_client, assert_answered, hostile_number, hostile_text

pytestmark = pytest.mark.django_db

VALID_ACTIONS = {"approve", "reject", "spam"}


def pending_comment(post) -> Comment:
    comment = Comment(post=post, author_name="Rosa", email="rosa@example.org")
    comment.set_text(f"Pending comment {Comment.objects.count()}")
    comment.save()
    return comment


def reads_as_number(value: str, number: int) -> bool:
    """Generous on purpose ("01", "+1", "1.0", "١"): only untouched comments are asserted."""
    try:
        return int(value) == number
    except ValueError:
        try:
            return float(value) == number
        except (ValueError, OverflowError):
            return False


def moderator_session(moderator):
    client = anonymous_client()
    client.force_login(moderator)
    return client


def assert_log_holds_only_real_decisions():
    for decision in ModerationDecision.objects.all():
        assert decision.action in ModerationDecision.Action.values
        assert (
            decision.reason in REJECTION_REASONS
            or decision.reason == ""
            or (decision.action in {"erase", "export"})
        ), decision.reason


@HOSTILE
@given(action=hostile_text, reason=hostile_text)
@example(action="reject", reason="\x00")
@example(action="approve\x00", reason="")
@example(action="reject", reason="R" * 100_000)
def test_a_decision_with_any_action_and_reason_is_taken_only_when_valid(
    site, moderator, action, reason
):
    comment = pending_comment(site)
    response = moderator_session(moderator).post(
        f"/moderation/{comment.pk}/decide/", {"action": action, "reason": reason}
    )
    assert_answered(response, (action[:40], reason[:40]))
    comment.refresh_from_db()
    valid = action in VALID_ACTIONS and (reason == "" or reason in REJECTION_REASONS)
    if not valid:
        assert comment.status == Comment.Status.PENDING
        assert not comment.decisions.exists()
    assert_log_holds_only_real_decisions()


@HOSTILE
@given(ids=st.lists(hostile_number, max_size=5), action=st.sampled_from(sorted(VALID_ACTIONS)))
@example(ids=["²"], action="approve")  # was a 500: int("²") after str.isdigit said yes
@example(ids=["9" * 30], action="approve")  # was a 500: too large for an SQLite integer
@example(ids=["9" * 5000], action="spam")  # was a 500: beyond int()'s digit limit
@example(ids=["-1", "0", "1.5", ""], action="reject")
@example(ids=["01", "+1", "1.0", "١"], action="approve")
def test_bulk_decisions_with_any_ticked_values_touch_only_real_pending_comments(
    site, moderator, ids, action
):
    comment = pending_comment(site)
    response = moderator_session(moderator).post(
        "/moderation/bulk/", {"comments": ids, "action": action}
    )
    assert_answered(response, ids)
    comment.refresh_from_db()
    ticked = any(reads_as_number(value, comment.pk) for value in ids)
    if not ticked:
        assert comment.status == Comment.Status.PENDING
    assert_log_holds_only_real_decisions()


@HOSTILE
@given(reason=hostile_text)
@example(reason="\x00")
@example(reason="Off topic")
def test_rejecting_all_from_a_commenter_records_only_a_listed_reason(site, moderator, reason):
    comment = pending_comment(site)
    response = moderator_session(moderator).post(
        f"/moderation/{comment.pk}/reject-commenter/", {"reason": reason}
    )
    assert_answered(response, reason[:80])
    comment.refresh_from_db()
    if reason not in REJECTION_REASONS and reason != "":
        assert comment.status == Comment.Status.PENDING
    else:
        assert comment.status == Comment.Status.REJECTED
    assert_log_holds_only_real_decisions()


@HOSTILE
@given(max_links=hostile_number, listed_words=hostile_text)
@example(max_links="9" * 30, listed_words="")  # was a 500: too large for an SQLite integer
@example(max_links="40000", listed_words="")  # beyond a small integer column (PostgreSQL)
@example(max_links="3", listed_words="spam\x00")
def test_flag_rules_are_saved_only_when_they_fit(site, moderator, max_links, listed_words):
    before = ModerationRules.current()
    response = moderator_session(moderator).post(
        "/moderation/rules/", {"max_links": max_links, "listed_words": listed_words}
    )
    assert_answered(response, (max_links[:40], listed_words[:40]))
    after = ModerationRules.current()
    if response.status_code == 302:
        after.full_clean()
        assert after.max_links == forms.IntegerField().clean(max_links)
    else:
        assert (after.max_links, after.listed_words) == (before.max_links, before.listed_words)
    cache.clear()


@HOSTILE
@given(email=hostile_text, action=st.sampled_from(["", "export", "erase", "other"]))
@example(email="rosa@example.org\x00", action="export")
@example(email="ROSA@EXAMPLE.ORG", action="erase")
def test_the_privacy_form_acts_only_on_a_real_address(site, moderator, email, action):
    comment = pending_comment(site)
    client = moderator_session(moderator)
    assert_answered(client.get("/moderation/commenter/", {"email": email}), email[:80])
    response = client.post("/moderation/commenter/", {"email": email, "action": action})
    assert_answered(response, (email[:80], action))
    comment.refresh_from_db()
    if email.strip().lower() != "rosa@example.org" or action != "erase":
        assert not comment.is_erased


@HOSTILE
@given(username=hostile_text, password=hostile_text, next_page=hostile_text)
@example(username="a" * 1_000_000, password="x", next_page="/admin/")
@example(username="editor\x00", password="correct horse battery staple", next_page="/admin/")
@example(username="editor", password="x", next_page="http://[")
def test_the_sign_in_form_refuses_any_garbage_with_a_page(
    site, editor, username, password, next_page
):
    cache.clear()
    client = anonymous_client()
    response = client.post(
        "/admin/login/", {"username": username, "password": password, "next": next_page}
    )
    assert_answered(response, (username[:40], password[:40], next_page[:40]))
    assert "_auth_user_id" not in client.session
