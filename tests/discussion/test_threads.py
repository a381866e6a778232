"""Threads keep who answered whom: a reader answers any published comment from the site.

The reply form is a page of its own (``/comments/<post>/reply/<comment>/``): the post
page, stored by the page cache for everyone, never carries one reader's "Replying to".
"""

import html
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from masthead.discussion.models import Comment
from tests.conftest import make_post

from .conftest import submit

pytestmark = pytest.mark.django_db


def new_comment(post, name, body, *, approve=True, parent=None, in_reply_to=None):
    comment = Comment(
        post=post,
        author_name=name,
        email=f"{name.split()[0].lower()}@example.org",
        parent=parent,
        in_reply_to=in_reply_to,
    )
    comment.set_text(body)
    comment.save()
    if approve:
        comment.approve()
    return comment


@pytest.fixture
def thread(published_post):
    """Tomasz opened the thread; Rita answered him; both published."""
    top = new_comment(published_post, "Tomasz Top", "Storage is half the answer.")
    rita = new_comment(published_post, "Rita Reply", "And the other half is the grid.", parent=top)
    return top, rita


def reply_url(post, comment):
    return f"/comments/{post.pk}/reply/{comment.pk}/"


def hidden_fields(page: str) -> dict[str, str]:
    fields = re.findall(r'<input type="hidden" name="(\w+)"(?: value="([^"]*)")?', page)
    return {name: html.unescape(value) for name, value in fields}


def test_every_published_comment_has_a_reply_link_to_its_own_reply_page(
    client, published_post, thread
):
    top, rita = thread
    page = client.get(published_post.get_absolute_url()).content.decode()
    for comment in thread:
        assert f'href="{reply_url(published_post, comment)}"' in page
    assert page.count(">Reply<") == 2


def test_the_reply_page_says_whom_it_answers_and_offers_a_way_back(client, published_post, thread):
    top, rita = thread
    response = client.get(reply_url(published_post, rita))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'Replying to <a href="{published_post.get_absolute_url()}#comment-{rita.pk}">' in page
    assert "And the other half is the grid." in page  # what is answered, quoted
    assert f'href="{published_post.get_absolute_url()}#comment-form">Cancel reply</a>' in page
    assert hidden_fields(page)["in_reply_to"] == str(rita.pk)
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reply_sent_over_http_answers_its_comment_and_once_approved_says_so(
    live_server, published_post, thread, moderator
):
    top, rita = thread
    post_page = urllib.request.urlopen(live_server.url + published_post.get_absolute_url())
    reply_path = reply_url(published_post, rita)
    assert f'href="{reply_path}"' in post_page.read().decode()

    form_page = urllib.request.urlopen(live_server.url + reply_path).read().decode()
    fields = hidden_fields(form_page)
    action = re.search(r'id="comment-form" method="post" action="([^"]+)"', form_page).group(1)
    data = {
        "author_name": "Nia Answer",
        "email": "nia@example.org",
        "body": "Rita, the grid half is the slow half.",
        "started": fields["started"],
        "in_reply_to": fields["in_reply_to"],
        "website": "",
    }
    request = urllib.request.Request(
        live_server.url + action,
        data=urllib.parse.urlencode(data).encode(),
        headers={"Origin": live_server.url},
    )
    answer = urllib.request.urlopen(request)
    assert "/comments/status/" in answer.url
    assert "Your comment awaits moderation" in answer.read().decode()

    nia = Comment.objects.get(author_name="Nia Answer")
    assert (nia.in_reply_to, nia.parent, nia.status) == (rita, top, Comment.Status.PENDING)
    before = urllib.request.urlopen(live_server.url + published_post.get_absolute_url())
    assert "the slow half" not in before.read().decode()

    nia.approve(by=moderator)
    after = urllib.request.urlopen(live_server.url + published_post.get_absolute_url())
    page = after.read().decode()
    shown = page[page.index(f'id="comment-{nia.pk}"') :]
    assert re.search(
        rf'in reply to <a href="#comment-{rita.pk}">\s*Rita Reply\s*</a>', shown[:2000]
    ), shown[:2000]


def test_answering_the_top_comment_files_the_reply_under_it(client, published_post, thread):
    top, rita = thread
    response = submit(
        client, published_post, email="o@example.org", body="Yes.", in_reply_to=top.pk
    )
    assert response.status_code == 302
    reply = Comment.objects.get(body="Yes.")
    assert (reply.parent, reply.in_reply_to) == (top, top)


def test_a_form_opened_before_threads_still_files_its_reply(client, published_post, thread):
    top, rita = thread
    response = submit(client, published_post, email="o@example.org", body="Old.", parent=rita.pk)
    assert response.status_code == 302
    assert Comment.objects.get(body="Old.").in_reply_to == rita


def test_the_reader_may_send_a_reply_as_a_comment_on_the_post_instead(
    client, published_post, thread
):
    top, rita = thread
    response = submit(
        client, published_post, email="o@example.org", body="Mine.", in_reply_to=rita.pk,
        not_a_reply="1",
    )  # fmt: skip
    assert response.status_code == 302
    mine = Comment.objects.get(body="Mine.")
    assert (mine.parent, mine.in_reply_to) == (None, None)


def hostile_targets(post, thread) -> dict:
    other_post = make_post(
        post.blog, list(post.authors.all()), title="Another Post", slug="another-post",
        publish_at=post.publish_at,
    )  # fmt: skip
    elsewhere = new_comment(other_post, "Olga Elsewhere", "On another post.")
    held = new_comment(post, "Hal Held", "Held for moderation.", approve=False)
    rejected = new_comment(post, "Rex Rejected", "Rejected words.", approve=False)
    rejected.reject("Off topic")
    spam = new_comment(post, "Sam Spam", "Buy things.", approve=False)
    spam.mark_spam()
    erased = new_comment(post, "Eve Erased", "Erased words.")
    erased.erase()
    top, rita = thread
    under_hidden = new_comment(post, "Una Under", "Under a hidden top.", parent=held)
    under_hidden.approve()
    return {
        "another post's comment": (elsewhere.pk, "Olga Elsewhere"),
        "a held comment": (held.pk, "Hal Held"),
        "a rejected comment": (rejected.pk, "Rex Rejected"),
        "a spam comment": (spam.pk, "Sam Spam"),
        "an erased comment": (erased.pk, "Erased words."),
        "a reply under a held comment": (under_hidden.pk, "Hal Held"),
        "no comment at all": (rita.pk + 10_000, None),
        "a word": ("rita", None),
        "markup": ('"><script>alert(1)</script>', None),
        "a negative number": ("-1", None),
        "zero": ("0", None),
        "a superscript digit": ("²", None),
        "a huge number": ("9" * 40, None),
        "the largest id plus one": (str(2**63), None),
        "SQL": ("1 OR 1=1", None),
        "a NUL": ("1\x00", None),
    }


TARGETS = [
    "another post's comment", "a held comment", "a rejected comment", "a spam comment",
    "an erased comment", "a reply under a held comment", "no comment at all", "a word",
    "markup", "a negative number", "zero", "a superscript digit", "a huge number",
    "the largest id plus one", "SQL", "a NUL",
]  # fmt: skip


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("field", ["in_reply_to", "parent"])
def test_a_reply_to_what_may_not_be_answered_is_refused_with_the_text_kept(
    client, published_post, thread, target, field
):
    value, secret_name = hostile_targets(published_post, thread)[target]
    before = Comment.objects.count()
    typed = "My careful answer,\nwith two lines & an ampersand."
    response = submit(client, published_post, email="h@example.org", body=typed, **{field: value})
    page = response.content.decode()
    assert response.status_code in (400, 409), target
    assert "cannot be answered" in page
    assert html.escape(typed) in page  # the reader's words are in the form to send again
    assert Comment.objects.count() == before, "nothing is stored"
    if secret_name:
        assert secret_name not in page, "an unpublished comment is never named"
    # Sent again as it stands, the form is a comment on the post.
    assert "in_reply_to" not in {k for k, v in hidden_fields(page).items() if v}
    assert "Replying to" not in page


@pytest.mark.parametrize(
    "target", ["a held comment", "a rejected comment", "another post's comment"]
)
def test_no_reply_page_opens_for_a_comment_that_may_not_be_answered(
    client, published_post, thread, target
):
    pk, secret_name = hostile_targets(published_post, thread)[target]
    response = client.get(f"/comments/{published_post.pk}/reply/{pk}/")
    assert response.status_code == 404
    assert secret_name not in response.content.decode()


def test_a_reply_with_a_mistake_keeps_whom_it_answers(client, published_post, thread):
    top, rita = thread
    response = submit(
        client, published_post, email="not-an-address", body="Kept.", in_reply_to=rita.pk
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Replying to" in page and "Rita Reply" in page and "Kept." in page
    assert hidden_fields(page)["in_reply_to"] == str(rita.pk)


def test_the_page_cache_never_stores_the_replying_state(client, published_post, thread):
    top, rita = thread
    url = published_post.get_absolute_url()
    first = client.get(url)
    for _ in range(2):
        reply_page = client.get(reply_url(published_post, rita))
        assert "X-Cache" not in reply_page
        assert "Replying to" in reply_page.content.decode()
    # Whatever a reader adds to the post's address, the stored page is the one for everyone.
    for address in [url, url + f"?reply_to={rita.pk}", url + f"?in_reply_to={rita.pk}"]:
        again = client.get(address)
        assert "Replying to" not in again.content.decode()
        assert 'name="in_reply_to" value="' not in again.content.decode()
    assert client.get(url).content == first.content


def test_the_moderation_queue_shows_what_a_reply_answers(moderator_client, published_post, thread):
    top, rita = thread
    new_comment(
        published_post, "Nia Answer", "The slow half.", approve=False, parent=top, in_reply_to=rita
    )
    page = moderator_client.get("/moderation/").content.decode()
    item = page[page.index("The slow half.") - 3000 :]
    assert re.search(r"In reply to <a [^>]*>Rita Reply</a>", item)
    assert "And the other half is the grid." in item


@pytest.mark.parametrize(
    "address",
    [
        "/comments/{post}/reply/{big}/",
        "/comments/{big}/reply/{comment}/",
        "/comments/{post}/reply/0/",
        "/comments/{post}/reply/-1/",
        "/comments/{post}/reply/1e3/",
    ],
)
def test_a_reply_page_for_a_made_up_address_is_a_plain_not_found(
    client, published_post, thread, address
):
    top, rita = thread
    url = address.format(post=published_post.pk, comment=rita.pk, big="9" * 40)
    assert client.get(url).status_code == 404


def test_a_post_that_takes_no_more_comments_offers_no_reply(client, published_post, thread):
    url = published_post.get_absolute_url()
    assert ">Reply<" in client.get(url).content.decode()  # and that page is now cached
    published_post.comments_open = False
    published_post.save()
    page = client.get(url).content.decode()
    assert "Comments are closed." in page and ">Reply<" not in page
    top, rita = thread
    assert client.get(reply_url(published_post, rita)).status_code == 403
