"""The comment form under hostile input: refused with a message and nothing stored,
or stored exactly once, complete, pending, and nowhere public."""

import itertools

import pytest
from django.core.cache import cache
from hypothesis import example, given
from hypothesis import strategies as st

from masthead.discussion.models import Comment, ModerationDecision, Thread
from masthead.discussion.text import clean_text

from ..discussion.conftest import SITE, comment_data, form_token
from .conftest import (
    HOSTILE,
    anonymous_client,
    assert_answered,
    assert_readable_refusal,
    discussion_rows,
    hostile_number,
    hostile_text,
    text_of,
)

pytestmark = pytest.mark.django_db

FIELDS = [
    "author_name", "email", "body", "notify_on_publish", "website", "started",
    "in_reply_to", "parent", "not_a_reply",
]  # fmt: skip
_unique = itertools.count()


def fresh_comment_data(**overrides) -> dict:
    """A valid submission with a body of its own, so no two examples are one comment twice."""
    return comment_data(**{"body": f"Comment number {next(_unique)} on the grid.", **overrides})


def check_outcome(client, post, response, rows_before, known_ids, context):
    """Refused: every table as it was. Accepted: one complete pending comment, not public."""
    assert_answered(response, context)
    if response.status_code >= 400:
        assert discussion_rows() == rows_before, f"refused but stored: {context!r}"
        return None
    new = Comment.objects.exclude(pk__in=known_ids)
    if response.status_code == 200:
        # The same submission sent again: told so, nothing added, no private link given out.
        assert "We already have this comment" in text_of(response), context
        assert discussion_rows() == rows_before
        assert not any(token in text_of(response) for token in
                       Comment.objects.values_list("status_token", flat=True))  # fmt: skip
        return None
    assert response.status_code == 302, context
    assert new.count() == 1, context
    comment = new.get()
    comment.full_clean()  # every field within its limits and valid: a complete record
    assert comment.status == Comment.Status.PENDING
    assert comment.body and comment.body_html and comment.author_name
    assert comment.body == clean_text(comment.body)
    assert response["Location"] == comment.get_status_url()
    # Nothing else was written: no thread recount, no decision, no mail.
    assert Thread.objects.count() == rows_before["Thread"]
    assert ModerationDecision.objects.count() == rows_before["ModerationDecision"]
    page = text_of(anonymous_client().get(post.get_absolute_url()))
    shown = Comment.objects.approved().filter(post=post).count()
    assert f'<h2 id="comments-heading">{shown} Comment' in page
    assert comment.body_html not in page
    return comment


def post_and_check(client, post, send, context):
    cache.clear()  # each example meets the pages and fragments as a first visitor would
    rows_before = discussion_rows()
    known_ids = list(Comment.objects.values_list("pk", flat=True))
    response = send()
    return check_outcome(client, post, response, rows_before, known_ids, context)


@HOSTILE
@given(
    overrides=st.dictionaries(
        st.sampled_from(FIELDS),
        st.one_of(hostile_text, st.lists(hostile_text, max_size=3)),  # a field sent 0-3 times
        max_size=4,
    )
)
@example(overrides={"parent": "²"})  # was a 500: int("²") after str.isdigit said yes
@example(overrides={"email": "rosa@" + "İ" * 60 + "." + "İ" * 60 + "." + "İ" * 60 + ".org"})
@example(overrides={"author_name": "R" * 10_000})
@example(overrides={"author_name": "\u202e\x00\u200b"})  # nothing left after cleaning
@example(overrides={"body": "x" * 1_000_000})
@example(overrides={"body": "\x00" * 100_000})
def test_any_field_of_the_comment_form_is_refused_cleanly_or_stored_once(site, overrides):
    client = anonymous_client()
    data = fresh_comment_data(**{field: value for field, value in overrides.items()})
    post_and_check(
        client,
        site,
        lambda: client.post(f"/comments/{site.pk}/", data, HTTP_ORIGIN=SITE),
        overrides,
    )


@HOSTILE
@given(
    extra=st.dictionaries(hostile_text.filter(lambda key: len(key) < 200), hostile_text, max_size=3)
)
def test_unknown_fields_are_ignored(site, extra):
    client = anonymous_client()
    data = {**extra, **fresh_comment_data()}
    comment = post_and_check(
        client,
        site,
        lambda: client.post(f"/comments/{site.pk}/", data, HTTP_ORIGIN=SITE),
        extra,
    )
    assert comment is not None, "a valid comment with extra fields should be kept"


@pytest.fixture
def published_comment(site):
    comment = new_pending_comment(site)
    comment.approve()
    return comment


@HOSTILE
@given(parent=hostile_number)
@example(parent="1")
@example(parent=" 1 ")
def test_a_reply_to_any_parent_id_hangs_under_a_published_comment_or_none(
    site, published_comment, parent
):
    client = anonymous_client()
    data = fresh_comment_data(parent=parent)
    comment = post_and_check(
        client,
        site,
        lambda: client.post(f"/comments/{site.pk}/", data, HTTP_ORIGIN=SITE),
        parent,
    )
    # The only comment one can reply to is the published one; anything else is no parent.
    assert comment is None or comment.parent in (None, published_comment)
    if comment is not None and parent.strip() == str(published_comment.pk):
        assert comment.parent == published_comment


def test_files_sent_with_the_form_are_ignored_or_refused_but_never_stored(site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = anonymous_client()
    for field in ("body", "avatar"):
        upload = SimpleUploadedFile("x.bin", b"\x00\xff" * 1000, "application/octet-stream")
        data = {**fresh_comment_data(), field: upload}
        post_and_check(
            client,
            site,
            lambda data=data: client.post(f"/comments/{site.pk}/", data, HTTP_ORIGIN=SITE),
            field,
        )


@HOSTILE
@given(post_id=st.integers(min_value=0, max_value=10**30))
def test_comments_on_a_post_that_is_not_there_are_refused(site, draft_post, post_id):
    if post_id == site.pk:
        post_id = draft_post.pk
    client = anonymous_client()
    rows_before = discussion_rows()
    response = client.post(f"/comments/{post_id}/", fresh_comment_data(), HTTP_ORIGIN=SITE)
    assert response.status_code == 404
    assert_readable_refusal(response, post_id)
    assert discussion_rows() == rows_before


CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=hostile",
    "multipart/form-data; boundary=" + "b" * 500,
    "application/json",
    "text/plain",
    "",
    "text/plain; charset=ünknown",
]


def form_body(name: bytes, body: bytes) -> bytes:
    """A urlencoded form whose name and comment are raw bytes, often not UTF-8."""
    fixed = f"&email=rosa%40example.org&started={form_token()}&website=".encode()
    return b"author_name=" + name + fixed + b"&body=" + body


raw_bodies = st.one_of(
    st.binary(max_size=3000),
    st.builds(form_body, st.binary(min_size=1, max_size=60), st.binary(min_size=1, max_size=600)),
    st.builds(
        lambda garbage: b"--hostile\r\nContent-Disposition: form-data; name=body\r\n\r\n" + garbage,
        st.binary(max_size=500),
    ),
)


@HOSTILE
@given(body=raw_bodies, content_type=st.sampled_from(CONTENT_TYPES))
@example(body=b"author_name=\xff\xfe&email=rosa%40example.org&body=\xc3\x28", content_type="")
@example(body=b"\xff" * 10, content_type="multipart/form-data; boundary=")
@example(body=form_body(b"Rosa", b"\xed\xa0\x80 a lone surrogate"), content_type=CONTENT_TYPES[0])
def test_raw_bodies_of_any_type_and_encoding_are_refused_cleanly_or_stored_once(
    site, body, content_type
):
    client = anonymous_client()
    post_and_check(
        client,
        site,
        lambda: client.generic(
            "POST", f"/comments/{site.pk}/", body, content_type=content_type, HTTP_ORIGIN=SITE
        ),
        (body[:80], content_type),
    )


@HOSTILE
@given(origin=hostile_text, header=st.sampled_from(["HTTP_ORIGIN", "HTTP_REFERER"]))
@example(origin="http://[", header="HTTP_ORIGIN")  # was a 500: urlsplit refuses it
@example(origin="http://[::1", header="HTTP_REFERER")
@example(origin="http://testserver.evil.example", header="HTTP_ORIGIN")
@example(origin="http://testserver@evil.example", header="HTTP_REFERER")
def test_a_form_sent_from_anywhere_else_is_refused_and_nothing_is_stored(site, origin, header):
    client = anonymous_client()
    rows_before = discussion_rows()
    response = client.post(f"/comments/{site.pk}/", fresh_comment_data(), **{header: origin})
    assert response.status_code == 403, origin
    assert "not sent from our site" in text_of(response)
    assert_readable_refusal(response, origin)
    assert discussion_rows() == rows_before


def test_a_body_beyond_the_upload_limit_is_refused_with_a_readable_page(site, settings):
    client = anonymous_client()
    rows_before = discussion_rows()
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(f"/comments/{site.pk}/", fresh_comment_data(body=body), HTTP_ORIGIN=SITE)
    assert response.status_code == 400
    assert "We could not read that request" in text_of(response)
    assert_readable_refusal(response)
    assert discussion_rows() == rows_before


@pytest.mark.parametrize(
    ("field", "limit_message"),
    [("body", "at most 5,000 characters"), ("author_name", "at most 80 characters")],
)
def test_a_field_far_beyond_its_limit_is_refused_with_the_real_limit(site, field, limit_message):
    # Once answered with the internal pre-cleaning limit ("at most 20000 characters").
    client = anonymous_client()
    rows_before = discussion_rows()
    data = fresh_comment_data(**{field: "y" * 100_000})
    response = client.post(f"/comments/{site.pk}/", data, HTTP_ORIGIN=SITE)
    assert response.status_code == 400
    assert limit_message in text_of(response)
    assert "20000 characters" not in text_of(response)
    assert "320 characters" not in text_of(response)
    # and the form's fields keep to the limits the reader is told
    assert 'maxlength="20000"' not in text_of(response)
    assert 'maxlength="320"' not in text_of(response)
    assert discussion_rows() == rows_before


def test_a_form_with_hundreds_of_files_is_refused_with_a_readable_page(site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = anonymous_client()
    rows_before = discussion_rows()
    files = {f"file{n}": SimpleUploadedFile(f"{n}.txt", b"x") for n in range(150)}
    response = client.post(
        f"/comments/{site.pk}/", {**fresh_comment_data(), **files}, HTTP_ORIGIN=SITE
    )
    assert response.status_code == 400
    assert_readable_refusal(response)
    assert discussion_rows() == rows_before


def test_a_form_with_thousands_of_fields_is_refused_with_a_readable_page(site):
    client = anonymous_client()
    rows_before = discussion_rows()
    data = {**{f"field{n}": "x" for n in range(1500)}, **fresh_comment_data()}
    response = client.post(f"/comments/{site.pk}/", data, HTTP_ORIGIN=SITE)
    assert response.status_code == 400
    assert_readable_refusal(response)
    assert discussion_rows() == rows_before


# --- the commenter's private status page -------------------------------------------


@HOSTILE
@given(token=hostile_text.filter(lambda t: len(t) < 10_000))
@example(token="\x00")  # once reached the database; PostgreSQL refuses NUL in text
@example(token="x" * 5000)
@example(token="not-a-real-token")
def test_a_status_page_for_any_made_up_token_is_not_found(site, token):
    from urllib.parse import quote

    client = anonymous_client()
    for method in ("get", "post"):
        response = getattr(client, method)(f"/comments/status/{quote(token, safe='')}/")
        assert response.status_code in (404, 405) or response.status_code < 400, token
        assert_answered(response, token)
        assert response.status_code == 404, (method, token)


def new_pending_comment(post) -> Comment:
    comment = Comment(post=post, author_name="Rosa Delgado", email="rosa@example.org")
    comment.set_text(f"Comment number {next(_unique)}, awaiting moderation.")
    comment.save()
    return comment


@HOSTILE
@given(action=hostile_text, body=hostile_text)
@example(action="edit", body="\x00" * 50)  # nothing left after cleaning
@example(action="edit", body="x" * 1_000_000)
@example(action="withdraw", body="")
def test_editing_or_withdrawing_with_any_input_keeps_the_comment_whole_and_private(
    site, action, body
):
    client = anonymous_client()
    pending_comment = new_pending_comment(site)
    before = Comment.objects.get(pk=pending_comment.pk)
    decisions_before = set(ModerationDecision.objects.values_list("pk", flat=True))
    response = client.post(pending_comment.get_status_url(), {"action": action, "body": body})
    assert_answered(response, (action, body[:80]))
    after = Comment.objects.get(pk=pending_comment.pk)
    new_decisions = ModerationDecision.objects.exclude(pk__in=decisions_before)
    if after.status == Comment.Status.PENDING:
        after.full_clean()
        assert after.body == clean_text(after.body) and after.body_html
        if after.body != before.body:
            assert action == "edit" and response.status_code == 200
            assert [d.action for d in new_decisions] == ["edit"]
        else:
            assert set(new_decisions.values_list("action", flat=True)) <= {"edit"}
    else:
        assert action == "withdraw" and after.status == Comment.Status.WITHDRAWN
    page = text_of(anonymous_client().get(site.get_absolute_url()))
    assert '<h2 id="comments-heading">0 Comments</h2>' in page


@HOSTILE
@given(post_id=st.integers(min_value=0, max_value=10**30), comment_id=st.integers(0, 10**30))
def test_a_reply_page_for_any_ids_is_not_found_when_there_is_nothing_to_reply_to(
    site, post_id, comment_id
):
    new_pending_comment(site)
    response = anonymous_client().get(f"/comments/{post_id}/reply/{comment_id}/")
    # The only comment is still pending: nothing may be replied to, whatever the ids.
    assert response.status_code == 404
    assert_readable_refusal(response, (post_id, comment_id))
