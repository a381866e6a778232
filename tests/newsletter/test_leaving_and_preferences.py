"""Leaving in one click, from the mail's header or its footer; preferences from a signed link."""

import pytest
from django.test import Client

from masthead.newsletter.mail import PostMail
from masthead.newsletter.models import Subscriber, Suppression

from .conftest import Mailbox, fresh_post, reader

pytestmark = pytest.mark.django_db


def header_unsubscribe_path(mail) -> str:
    url = mail["List-Unsubscribe"].strip().strip("<>")
    return url.removeprefix("https://harbour.example.org")


def test_the_headers_one_click_post_unsubscribes_without_login_or_token_of_the_session(
    blog, ada, mailbox, django_capture_on_commit_callbacks
):
    reader("rosa@example.org", blogs=[blog])
    reader("sam@example.org", blogs=[blog])
    with django_capture_on_commit_callbacks(execute=True):
        fresh_post(blog, [ada]).publish()
    [mail] = mailbox.to("rosa@example.org")
    # A mail client's RFC 8058 request: a POST with this body, no cookies, no Origin.
    answer = Client(enforce_csrf_checks=True).post(
        header_unsubscribe_path(mail), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert answer.status_code == 200
    rosa = Subscriber.objects.get(email="rosa@example.org")
    assert rosa.left_at is not None and not rosa.is_receiving
    with django_capture_on_commit_callbacks(execute=True):
        fresh_post(blog, [ada], title="A Second Post").publish()
    assert len(mailbox.to("rosa@example.org")) == 1
    assert len(mailbox.to("sam@example.org")) == 2


def newsletter_page_part(response) -> str:
    """The page's own content (the site's footer, with its subscribe form, left out)."""
    html = response.content.decode()
    return html.split('class="standing-page newsletter-page">', 1)[1].split("</main>", 1)[0]


def test_the_footer_link_leads_to_one_button_that_unsubscribes_and_says_so(blog, ada):
    rosa = reader("rosa@example.org", blogs=[blog])
    html = PostMail(fresh_post(blog, [ada])).message_for(rosa, "you follow it").alternatives[0]
    path = f"/newsletter/unsubscribe/{rosa.token}/"
    assert f"https://harbour.example.org{path}" in html[0]
    # The mail's link opened as a browser (or a scanner) would, with no session at all.
    browser = Client(enforce_csrf_checks=True)
    landing = newsletter_page_part(browser.get(path))
    assert landing.count("<form") == 1 and landing.count("<button") == 1
    assert 'method="post"' in landing and "rosa@example.org" in landing
    rosa.refresh_from_db()
    assert rosa.left_at is None  # opening the link changes nothing
    done = browser.post(path)  # the one button: a POST with nothing in it
    assert done.status_code == 200
    assert "you are unsubscribed" in newsletter_page_part(done)
    assert "<button" not in newsletter_page_part(done)
    rosa.refresh_from_db()
    assert rosa.left_at is not None and not rosa.is_receiving
    again = newsletter_page_part(browser.get(path))
    assert "already unsubscribed" in again and "<button" not in again


def test_an_unsubscribed_address_is_not_brought_back_by_an_import(blog, tmp_path):
    from django.core.management import call_command

    rosa = reader("rosa@example.org", blogs=[blog])
    Client().post(f"/newsletter/unsubscribe/{rosa.token}/")
    csv = tmp_path / "list.csv"
    csv.write_text("Email Address,First Name\nrosa@example.org,Rosa\n")
    call_command("import_subscribers", str(csv), "--source", "old list", "--blog", "energy")
    rosa.refresh_from_db()
    assert not rosa.is_receiving
    assert Suppression.of("rosa@example.org").reason == Suppression.Reason.UNSUBSCRIBED


def test_a_forged_link_changes_nobody(client, blog):
    rosa = reader("rosa@example.org", blogs=[blog])
    forged = f"{rosa.pk}:not-our-signature"
    assert client.post(f"/newsletter/unsubscribe/{forged}/").status_code == 404
    assert client.get(f"/newsletter/preferences/{forged}/").status_code == 404
    rosa.refresh_from_db()
    assert rosa.is_receiving


def test_the_preferences_page_changes_what_to_follow_and_how_often(
    client, blog, other_blog, ada, topic
):
    rosa = reader("rosa@example.org", blogs=[blog])
    path = f"/newsletter/preferences/{rosa.token}/"
    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "rosa@example.org" in html and "Cities Lab" in html
    response = client.post(path, {"cadence": "weekly", "blogs": [other_blog.pk],
                                  "authors": [ada.pk], "topics": [topic.pk]})  # fmt: skip
    assert response.status_code == 200 and "Saved." in response.content.decode()
    rosa.refresh_from_db()
    assert rosa.cadence == "weekly"
    assert list(rosa.blogs.all()) == [other_blog]
    assert list(rosa.authors.all()) == [ada] and list(rosa.topics.all()) == [topic]


def test_leaving_from_the_preferences_page(client, blog):
    rosa = reader("rosa@example.org", blogs=[blog])
    client.post(f"/newsletter/preferences/{rosa.token}/", {"leave": "1"})
    rosa.refresh_from_db()
    assert rosa.left_at is not None


def test_each_mail_links_the_readers_own_preferences(
    blog, ada, mailbox, django_capture_on_commit_callbacks
):
    rosa = reader("rosa@example.org", blogs=[blog])
    with django_capture_on_commit_callbacks(execute=True):
        fresh_post(blog, [ada]).publish()
    text = Mailbox.text(mailbox.to("rosa@example.org")[0])
    assert f"https://harbour.example.org/newsletter/preferences/{rosa.token}/" in text
