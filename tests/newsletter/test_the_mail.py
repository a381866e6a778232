"""A published post reaches its followers once, as a mail a reader can read anywhere."""

import re
import subprocess

import dkim
import pytest

from masthead.newsletter.models import BlogMailSettings, Delivery, Mailing
from masthead.publishing.models import Post
from tests.conftest import illustrate

from .conftest import Mailbox, fresh_post, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    def publish(post, when=None):
        with django_capture_on_commit_callbacks(execute=True):
            post.publish(when)
        return post

    return publish


def test_a_reader_following_the_blog_and_an_author_gets_one_mail(
    blog, ada, ben, topic, mailbox, publish
):
    reader("both@example.org", blogs=[blog], authors=[ada], topics=[topic])
    reader("ben-fan@example.org", authors=[ben])
    reader("all@example.org", everything=True)
    reader("elsewhere@example.org")  # follows nothing of this post
    publish(fresh_post(blog, [ada, ben], topics=[topic]))
    assert len(mailbox.to("both@example.org")) == 1
    assert len(mailbox.to("ben-fan@example.org")) == 1
    assert len(mailbox.to("all@example.org")) == 1
    assert mailbox.to("elsewhere@example.org") == []


def test_the_mail_carries_the_post_both_parts_and_the_list_headers(
    blog, ada, ben, mailbox, publish
):
    subscriber = reader("rosa@example.org", blogs=[blog])
    post = fresh_post(blog, [ada, ben], body="Tides are **predictable** and [cheap](/about/).")
    illustrate(post, alt="A tidal turbine at low water", caption="Strangford", credit="Photo: K.")
    publish(post)
    [mail] = mailbox.to("rosa@example.org")
    assert mail["Subject"] == "Tidal Power Comes of Age"
    assert mail["From"].addresses[0].display_name == "Energy Desk"
    assert mail["From"].addresses[0].addr_spec == "news@harbour.example.org"
    unsubscribe = f"https://harbour.example.org/newsletter/unsubscribe/{subscriber.token}/"
    assert mail["List-Unsubscribe"].strip() == f"<{unsubscribe}>"  # folding space aside
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Id"] == "Energy Desk <energy.newsletter.harbour.example.org>"
    assert mail["Message-ID"] == f"<post-{post.pk}.reader-{subscriber.pk}@harbour.example.org>"
    text, html = Mailbox.text(mail), Mailbox.html(mail)
    post_url = "https://harbour.example.org/energy/tidal-power-comes-of-age/"
    for part in (text, html):
        assert "Tidal Power Comes of Age" in part
        assert "Ada Okafor, Ben van der Berg" in part
        assert post.publish_at.strftime("%B %-d, %Y") in part
        assert "Experts give their take on the energy transition" in part
        assert "1 Quay Street, Port Town 4000" in part
        assert "Harbour Institute for Public Affairs" in part
        assert "you follow the blog Energy Desk" in part
    assert f"Read on the site: {post_url}" in text
    assert f"Join the discussion: {post_url}#comments" in text
    assert f'href="{post_url}"' in html and f'href="{post_url}#comments"' in html
    assert 'alt="A tidal turbine at low water"' in html
    assert f'href="{unsubscribe}"' in html
    assert "/newsletter/preferences/" in html
    # The body's own relative link now points at the site.
    assert 'href="https://harbour.example.org/about/"' in html
    # Inlined: the masthead's colour sits on the element itself.
    assert re.search(r'class="masthead__blog"[^>]*style="[^"]*color', html) or re.search(
        r'style="[^"]*color[^"]*"[^>]*class="masthead__blog"', html
    )


def test_no_pixel_and_no_rewritten_link_is_in_the_mail(blog, ada, mailbox, publish):
    reader("rosa@example.org", blogs=[blog])
    post = fresh_post(blog, [ada], body="See [the grid report](https://example.com/report).")
    illustrate(post, alt="Turbine", caption="", credit="")
    publish(post)
    html = Mailbox.html(mailbox.to("rosa@example.org")[0])
    images = re.findall(r'<img[^>]*src="([^"]+)"', html)
    assert images == [f"https://harbour.example.org{post.featured_image.url}"]
    links = set(re.findall(r'href="([^"]+)"', html))
    assert "https://example.com/report" in links  # the author's link, untouched
    own = {link for link in links if link.startswith("https://harbour.example.org")}
    assert links - own == {"https://example.com/report"}
    assert not any("track" in link or "click" in link or "utm_" in link for link in links)


def test_a_blog_set_to_summaries_mails_the_summary_without_the_body(blog, ada, mailbox, publish):
    BlogMailSettings.objects.create(blog=blog, content=BlogMailSettings.Content.SUMMARY)
    reader("rosa@example.org", blogs=[blog])
    publish(fresh_post(blog, [ada], body="The long argument, paragraph one.",
                       summary="Predictable power from the sea."))  # fmt: skip
    [mail] = mailbox.to("rosa@example.org")
    for part in (Mailbox.text(mail), Mailbox.html(mail)):
        assert "Predictable power from the sea." in part
        assert "The long argument" not in part


def test_a_post_held_back_is_not_mailed(blog, ada, mailbox, publish):
    reader("rosa@example.org", blogs=[blog])
    post = fresh_post(blog, [ada])
    Mailing.objects.create(post=post, held_back=True)
    publish(post)
    assert mailbox.messages == []
    assert Mailing.objects.get(post=post).state == Mailing.State.HELD


def test_an_imported_archive_post_is_never_mailed(
    blog, ada, mailbox, django_capture_on_commit_callbacks
):
    reader("rosa@example.org", blogs=[blog])
    from .conftest import hours_ago

    with django_capture_on_commit_callbacks(execute=True):
        fresh_post(blog, [ada], status=Post.Status.PUBLISHED, publish_at=hours_ago(24 * 400))
    assert mailbox.messages == []
    assert not Mailing.objects.exists()


def test_editing_a_mailed_post_does_not_mail_it_again(
    blog, ada, mailbox, publish, django_capture_on_commit_callbacks
):
    reader("rosa@example.org", blogs=[blog])
    post = publish(fresh_post(blog, [ada]))
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Tidal Power Comes of Age (typo fixed)"
        post.save()
    assert len(mailbox.to("rosa@example.org")) == 1


def test_a_reader_who_chose_the_weekly_digest_gets_no_mail_at_publication(
    blog, ada, mailbox, publish
):
    reader("weekly@example.org", blogs=[blog], cadence="weekly")
    reader("each@example.org", blogs=[blog])
    publish(fresh_post(blog, [ada]))
    assert mailbox.to("weekly@example.org") == []
    assert len(mailbox.to("each@example.org")) == 1


def test_the_weekly_digest_lists_the_weeks_posts_a_reader_follows(blog, other_blog, ada, mailbox):
    from masthead.newsletter.digest import schedule_next_digest
    from masthead.newsletter.sending import send_mailing

    from .conftest import hours_ago

    reader("weekly@example.org", blogs=[blog], cadence="weekly")
    fresh_post(blog, [ada], title="Offshore Wind Auctions", status="published",
               publish_at=hours_ago(30))  # fmt: skip
    fresh_post(other_blog, [ada], title="Bus Lanes", status="published", publish_at=hours_ago(20))
    digest = schedule_next_digest()
    Mailing.objects.filter(pk=digest.pk).update(
        scheduled_for=hours_ago(0.01), digest_from=hours_ago(24 * 7)
    )
    send_mailing.call(digest.pk)
    [mail] = mailbox.to("weekly@example.org")
    text = Mailbox.text(mail)
    assert "Offshore Wind Auctions" in text and "Bus Lanes" not in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.get(mailing=digest).status == Delivery.Status.SENT


def dkim_key_pair(tmp_path):
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True,
                   capture_output=True)  # fmt: skip
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout  # fmt: skip
    return key, public


def test_with_a_key_configured_each_mail_is_dkim_signed_and_verifies(
    blog, ada, mailbox, publish, settings, tmp_path
):
    import base64

    from masthead.newsletter.mail import dkim_key

    key, public = dkim_key_pair(tmp_path)
    settings.MASTHEAD_DKIM_KEY_FILE = str(key)
    settings.MASTHEAD_DKIM_DOMAIN = "harbour.example.org"
    settings.MASTHEAD_DKIM_SELECTOR = "news2026"
    dkim_key.cache_clear()
    try:
        reader("rosa@example.org", blogs=[blog])
        publish(fresh_post(blog, [ada]))
    finally:
        dkim_key.cache_clear()
    [raw] = mailbox.raw_to("rosa@example.org")
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name, timeout=5):
        return record if name == b"news2026._domainkey.harbour.example.org." else None

    assert b"DKIM-Signature:" in raw
    assert dkim.verify(raw, dnsfunc=dns)
    tampered = raw.replace(b"Tidal Power", b"Tidal Powder", 1)
    assert not dkim.verify(tampered, dnsfunc=dns)


def test_the_copy_made_from_the_prebuilt_pieces_is_the_message_django_would_build(blog, ada):
    from email import message_from_bytes, policy

    from masthead.newsletter.mail import PostMail

    rosa = reader("rosa@example.org", blogs=[blog])
    # A paragraph longer than a mail line may be (998), accents, "=" and a leading dot.
    body = "Tides & *currents* — “predictable” = 2×. " * 60 + "\n\n.dot at the start"
    mail = PostMail(fresh_post(blog, [ada], body=body))
    assert mail.raw is not None  # the fast way applies to such a post
    reason = "you follow the blog Énergie & Co"
    fast = message_from_bytes(mail.raw_for(rosa, reason), policy=policy.default)
    built = message_from_bytes(mail.message_for(rosa, reason).message().as_bytes(),
                               policy=policy.default)  # fmt: skip
    for header in ("Subject", "From", "To", "Message-ID", "List-Id", "List-Unsubscribe",
                   "List-Unsubscribe-Post"):  # fmt: skip
        assert str(fast[header]).strip() == str(built[header]).strip(), header
    assert fast["To"] == "rosa@example.org"
    assert rosa.token in fast["List-Unsubscribe"]
    assert fast.get_content_type() == built.get_content_type() == "multipart/alternative"
    assert "Énergie &amp; Co" in Mailbox.html(fast)
    assert Mailbox.text(fast).replace("\r\n", "\n") == Mailbox.text(built).replace("\r\n", "\n")
    assert Mailbox.html(fast).replace("\r\n", "\n") == Mailbox.html(built).replace("\r\n", "\n")
    raw = mail.raw_for(rosa, reason)
    head, body = raw.split(b"\r\n\r\n", 1)
    assert raw.isascii()  # 7-bit: any server takes it
    assert max(len(line) for line in head.split(b"\r\n")) <= 998  # a long link stays whole
    assert max(len(line) for line in body.split(b"\r\n")) <= 76  # quoted-printable lines


def test_two_readers_copies_differ_only_in_what_is_their_own(blog, ada):
    from masthead.newsletter.mail import PostMail

    rosa, sam = reader("rosa@example.org", blogs=[blog]), reader("sam@example.org", blogs=[blog])
    mail = PostMail(fresh_post(blog, [ada]))
    for_rosa = Mailbox.text(message_from_raw(mail.raw_for(rosa, "you follow the blog")))
    for_sam = Mailbox.text(message_from_raw(mail.raw_for(sam, "you follow everything")))
    assert rosa.token in for_rosa and sam.token not in for_rosa
    assert sam.token in for_sam and rosa.token not in for_sam
    assert "because you follow the blog." in for_rosa
    assert "because you follow everything." in for_sam


def message_from_raw(raw: bytes):
    from email import message_from_bytes, policy

    return message_from_bytes(raw, policy=policy.default)
