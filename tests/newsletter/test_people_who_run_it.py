"""For the people who run it: counts, CSV import and export, and a subscriber's privacy."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from masthead.discussion.roles import ensure_moderators_group
from masthead.newsletter.models import Delivery, Mailing, Subscriber, Suppression

from .conftest import reader

pytestmark = pytest.mark.django_db

MAILCHIMP = (
    "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,CONFIRM_TIME\n"
    "Ann@Example.org,Ann,Lee,2,2024-01-02 10:00:00,2024-01-02 10:05:00\n"
    "bob@example.org,Bob,Ray,3,2024-02-02 10:00:00,2024-02-02 10:01:00\n"
    "not-an-address,,,1,,\n"
)
SUBSTACK = "email,active_subscription,created_at\ncarla@example.org,false,2024-05-01\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_subscriber_list_counts_readers_per_blog_author_and_topic(
    editor_client, blog, other_blog, ada, topic
):
    reader("a@example.org", blogs=[blog, other_blog], authors=[ada])
    reader("b@example.org", blogs=[blog], topics=[topic])
    reader("c@example.org", everything=True, cadence="weekly")
    left = reader("d@example.org", blogs=[blog])
    left.leave()
    html = editor_client.get("/admin/newsletter/subscriber/").content.decode()
    assert "Subscribers who receive mail: 3" in html
    assert "<td>Blog: Energy Desk</td><td>2</td>" in html  # the one who left is not counted
    assert "<td>Blog: Cities Lab</td><td>1</td>" in html
    assert "<td>Author: Ada Okafor</td><td>1</td>" in html
    assert "<td>Topic: Grid Storage</td><td>1</td>" in html
    assert "Everything: 1 · weekly digest: 1" in html


def test_a_mailchimp_export_is_imported_as_consented_with_its_source(blog, tmp_path):
    output = run("import_subscribers", write(tmp_path, "mc.csv", MAILCHIMP),
                 "--source", "Mailchimp list, exported 2026-05-01", "--blog", "energy")  # fmt: skip
    assert "2 new" in output and "1 invalid" in output and "not-an-address" in output
    ann = Subscriber.objects.get(email="ann@example.org")
    assert ann.is_receiving
    assert ann.consent_source == "import: Mailchimp list, exported 2026-05-01"
    assert list(ann.blogs.all()) == [blog]


def test_a_substack_export_is_imported_too(blog, ada, tmp_path):
    run("import_subscribers", write(tmp_path, "ss.csv", SUBSTACK), "--source", "Substack",
        "--author", "ada-okafor", "--weekly")  # fmt: skip
    carla = Subscriber.objects.get(email="carla@example.org")
    assert list(carla.authors.all()) == [ada] and carla.cadence == "weekly"


def test_a_suppressed_address_stays_suppressed_across_reimports(blog, tmp_path):
    path = write(tmp_path, "mc.csv", MAILCHIMP)
    run("import_subscribers", path, "--source", "first", "--blog", "energy")
    Suppression.add("ann@example.org", Suppression.Reason.COMPLAINED, "marked as spam")
    Subscriber.objects.filter(email="ann@example.org").delete()  # even gone entirely
    output = run("import_subscribers", path, "--source", "second", "--blog", "energy")
    assert "1 left out" in output
    assert not Subscriber.objects.filter(email="ann@example.org").exists()


def test_an_import_without_an_email_column_or_a_target_says_why_and_adds_nobody(blog, tmp_path):
    with pytest.raises(CommandError, match="no email column"):
        run("import_subscribers", write(tmp_path, "x.csv", "name\nAnn\n"), "--source", "x",
            "--blog", "energy")  # fmt: skip
    with pytest.raises(CommandError, match="Say what they follow"):
        run("import_subscribers", write(tmp_path, "y.csv", MAILCHIMP), "--source", "y")
    with pytest.raises(CommandError, match="No blog with slug nope"):
        run("import_subscribers", write(tmp_path, "z.csv", MAILCHIMP), "--source", "z",
            "--blog", "nope")  # fmt: skip
    assert not Subscriber.objects.exists()


def test_the_export_lists_every_subscriber_with_what_they_follow(blog, ada, tmp_path):
    reader("a@example.org", blogs=[blog], authors=[ada])
    reader("b@example.org", everything=True).leave()
    target = tmp_path / "out.csv"
    run("export_subscribers", str(target))
    rows = {row["email"]: row for row in csv.DictReader(target.open())}
    assert rows["a@example.org"]["blogs"] == "energy"
    assert rows["a@example.org"]["authors"] == "ada-okafor"
    assert rows["a@example.org"]["status"] == "receiving"
    assert rows["b@example.org"]["status"] == "unsubscribed"
    # What the export writes, the import reads back.
    Subscriber.objects.all().delete()
    Suppression.objects.all().delete()
    run("import_subscribers", str(target), "--source", "round trip", "--blog", "energy")
    assert Subscriber.objects.count() == 2


@pytest.fixture
def moderator_client(client):
    user = get_user_model().objects.create_user("mod", "mod@harbour.example.org", "pw-for-mod",
                                                is_staff=True)  # fmt: skip
    user.groups.add(ensure_moderators_group())
    client.force_login(user)
    return client


def test_the_privacy_export_includes_the_subscription_and_its_mails(
    moderator_client, published_post, blog
):
    rosa = reader("rosa@example.org", blogs=[blog])
    mailing = Mailing.objects.create(post=published_post, state=Mailing.State.SENT)
    Delivery.objects.create(mailing=mailing, subscriber=rosa, reason="you follow the blog",
                            status=Delivery.Status.SENT)  # fmt: skip
    asked = {"email": "ROSA@example.org", "action": "export"}
    response = moderator_client.post("/moderation/commenter/", asked)
    document = json.loads(response.content)
    newsletter = document["newsletter"]
    assert newsletter["email"] == "rosa@example.org"
    assert newsletter["blogs"] == ["Energy Desk"]
    assert newsletter["consent_source"] == "subscribe form"
    assert newsletter["mails"][0]["mailing"] == f"Mail of “{published_post.title}”"


def test_erasure_removes_the_subscriber_and_keeps_only_a_suppression_by_hash(
    moderator_client, published_post, blog
):
    rosa = reader("rosa@example.org", blogs=[blog])
    Suppression.add("rosa@example.org", Suppression.Reason.COMPLAINED, "spam button")
    moderator_client.post("/moderation/commenter/", {"email": "rosa@example.org",
                                                     "action": "erase"})  # fmt: skip
    assert not Subscriber.objects.filter(pk=rosa.pk).exists()
    assert not Delivery.objects.exists()
    suppression = Suppression.of("rosa@example.org")
    assert suppression is not None and "rosa" not in suppression.email_hash
