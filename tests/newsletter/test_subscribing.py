"""Subscribing without an account: a short form on cached pages, and double opt-in."""

import datetime
import re

import pytest
import time_machine
from django.core.cache import cache

from masthead.newsletter.models import ClientBudget, Subscriber, Suppression

from .conftest import SITE, Mailbox, reader

pytestmark = pytest.mark.django_db


def subscribe(client, email="rosa@example.org", follow=("all",), cadence="each", **extra):
    data = {"email": email, "follow": list(follow), "cadence": cadence, "website": ""}
    data.update(extra)
    return client.post("/newsletter/subscribe/", data, HTTP_ORIGIN=SITE)


def confirm_link(mail) -> str:
    [link] = re.findall(r"https://harbour\.example\.org(/newsletter/confirm/\S+/)",
                        Mailbox.text(mail))  # fmt: skip
    return link


def forms_on(html: str) -> list[str]:
    return re.findall(r'<form class="subscribe-form.*?</form>', html, re.S)


def test_the_post_page_offers_its_blog_authors_and_topics_and_the_footer_everything(
    client, published_post, blog, ada, ben, topic
):
    html = client.get(published_post.get_absolute_url()).content.decode()
    page_form, footer_form = forms_on(html)
    assert f'value="blog:{blog.pk}" checked' in page_form
    assert f'value="author:{ada.pk}"' in page_form and f'value="author:{ben.pk}"' in page_form
    assert f'value="topic:{topic.pk}"' in page_form
    assert 'value="all"' in page_form
    assert 'value="weekly"' in page_form and 'value="each"' in page_form
    assert 'name="follow" value="all"' in footer_form
    for form in (page_form, footer_form):
        assert 'action="/newsletter/subscribe/"' in form
        assert "csrfmiddlewaretoken" not in form


@pytest.mark.parametrize("page", ["blog", "author", "topic"])
def test_blog_author_and_topic_pages_offer_themselves(
    client, published_post, page, blog, ada, topic
):
    target = {"blog": blog, "author": ada, "topic": topic}[page]
    html = client.get(target.get_absolute_url()).content.decode()
    page_form = forms_on(html)[0]
    assert f'value="{page}:{target.pk}" checked' in page_form


def test_a_visitor_gets_one_confirmation_mail_and_nothing_is_stored_before_it_is_followed(
    client, blog, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, follow=[f"blog:{blog.pk}"], cadence="weekly")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert not Subscriber.objects.exists()
    [mail] = mailbox.to("rosa@example.org")
    assert "Energy Desk" in Mailbox.text(mail)
    link = confirm_link(mail)
    page = client.get(link)
    assert page.status_code == 200 and not Subscriber.objects.exists()  # a button, not yet
    client.post(link)
    subscriber = Subscriber.objects.get()
    assert subscriber.is_receiving
    assert list(subscriber.blogs.all()) == [blog]
    assert subscriber.cadence == "weekly"
    assert subscriber.consent_source == "subscribe form"


def test_a_confirmation_link_stops_working_after_its_days(
    client, blog, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_NEWSLETTER_CONFIRM_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
    link = confirm_link(mailbox.to("rosa@example.org")[0])
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3, minutes=1)
    with time_machine.travel(later):
        response = client.post(link)
    assert response.status_code == 404
    assert not Subscriber.objects.exists()
    damaged = link.replace("/confirm/", "/confirm/x")
    assert client.post(damaged).status_code == 404


def test_the_answer_is_the_same_whether_the_address_is_subscribed_unknown_or_suppressed(
    client, blog, mailbox
):
    reader("known@example.org", everything=True)
    Suppression.add("bounced@example.org", Suppression.Reason.BOUNCED, "550 no such user")
    answers = {
        email: subscribe(client, email=email).content
        for email in ("known@example.org", "unknown@example.org", "bounced@example.org")
    }
    assert len(set(answers.values())) == 1


def test_one_address_gets_at_most_one_confirmation_a_day_whatever_is_asked(
    client, blog, ada, topic, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.MASTHEAD_NEWSLETTER_SUBSCRIBES_PER_CLIENT = 100
    with django_capture_on_commit_callbacks(execute=True):
        for follow in (["all"], [f"blog:{blog.pk}"], [f"author:{ada.pk}"], [f"topic:{topic.pk}"]):
            subscribe(client, email="Victim@Example.org", follow=follow)
            subscribe(client, email="victim@example.org", follow=follow, cadence="weekly")
    assert len(mailbox.to("victim@example.org")) == 1
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=24, minutes=1)
    with time_machine.travel(tomorrow), django_capture_on_commit_callbacks(execute=True):
        subscribe(client, email="victim@example.org")
    assert len(mailbox.to("victim@example.org")) == 2


def test_each_client_has_a_budget_that_clearing_the_cache_does_not_reset(
    client, blog, mailbox, settings
):
    settings.MASTHEAD_NEWSLETTER_SUBSCRIBES_PER_CLIENT = 3
    statuses = [subscribe(client, email=f"r{n}@example.org").status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    cache.clear()  # an eviction, or a restart of a local cache
    refused = subscribe(client, email="r9@example.org")
    assert refused.status_code == 429
    assert ClientBudget.objects.get().used == 3
    other = client.post("/newsletter/subscribe/", {"email": "z@example.org", "follow": ["all"],
                        "cadence": "each"}, HTTP_ORIGIN=SITE, REMOTE_ADDR="10.9.8.7")  # fmt: skip
    assert other.status_code == 200


def test_a_form_posted_from_another_site_is_refused_and_mails_nobody(client, blog, mailbox):
    response = client.post("/newsletter/subscribe/", {"email": "rosa@example.org",
                           "follow": ["all"], "cadence": "each"},
                           HTTP_ORIGIN="https://attacker.example")  # fmt: skip
    assert response.status_code == 403
    assert mailbox.messages == []


def test_a_form_without_anything_to_follow_says_so_and_mails_nobody(client, blog, mailbox):
    response = subscribe(client, follow=[])
    assert response.status_code == 400
    assert "Choose at least one thing to follow." in response.content.decode()
    response = subscribe(client, follow=["blog:99999"])
    assert response.status_code == 400
    assert mailbox.messages == []


def test_a_robot_filling_the_hidden_field_is_told_the_same_and_mails_nobody(client, blog, mailbox):
    response = subscribe(client, website="http://spam.example")
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert mailbox.messages == []


def test_confirming_again_adds_to_what_a_subscriber_follows(
    client, blog, ada, mailbox, settings, django_capture_on_commit_callbacks
):
    subscriber = reader("rosa@example.org", blogs=[blog])
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, follow=[f"author:{ada.pk}"])
    client.post(confirm_link(mailbox.to("rosa@example.org")[0]))
    subscriber.refresh_from_db()
    assert list(subscriber.blogs.all()) == [blog]
    assert list(subscriber.authors.all()) == [ada]
