"""The mails themselves: a post's mail rendered once, then addressed to each reader.

The HTML part is made from a template with its stylesheet inlined by ``css-inline``
(mail clients drop ``<style>`` or parts of it); the stylesheet also stays in the head
for the clients that read it, which is where dark mode and narrow screens are handled.
Nothing in a mail tracks its reader: no pixels, and every link is the page's own address.
"""

import html
import re
from email.utils import formataddr, parseaddr
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from masthead.newsletter.models import BlogMailSettings, Subscriber
from masthead.publishing.models import Institution, Post

# Stand-ins for what differs per reader, put in after the mail is rendered and inlined once.
UNSUBSCRIBE = "@@unsubscribe-url@@"
PREFERENCES = "@@preferences-url@@"
REASON = "@@reason@@"
REASON_HTML = "@@reason-html@@"

RELATIVE_LINK = re.compile(r'(\s(?:src|href)=")/(?!/)')
SRCSET = re.compile(r'\s(?:srcset|sizes)="[^"]*"')


def site_url(path: str = "") -> str:
    return settings.MASTHEAD_SITE_URL.rstrip("/") + path


def site_host() -> str:
    return urlsplit(settings.MASTHEAD_SITE_URL).hostname or "localhost"


def from_address(display_name: str) -> str:
    address = settings.MASTHEAD_NEWSLETTER_FROM_EMAIL or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((display_name, address))


def absolute_body(body_html: str) -> str:
    """The post's body with its links and pictures pointing at the site (a mail has no base)."""
    body_html = SRCSET.sub("", body_html)
    return RELATIVE_LINK.sub(lambda m: f"{m.group(1)}{site_url()}/", body_html)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return site_url(reverse("newsletter:unsubscribe", args=[subscriber.token]))


def preferences_url(subscriber: Subscriber) -> str:
    return site_url(reverse("newsletter:preferences", args=[subscriber.token]))


@cache
def dkim_key() -> bytes | None:
    path = settings.MASTHEAD_DKIM_KEY_FILE
    return Path(path).read_bytes() if path else None


class SignedMessage:
    """A MIME message whose bytes carry a DKIM-Signature over exactly those bytes."""

    SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"list-id",
                      b"list-unsubscribe", b"list-unsubscribe-post", b"mime-version",
                      b"content-type"]  # fmt: skip

    def __init__(self, message, key: bytes):
        self._message = message
        self._key = key

    def __getattr__(self, name):
        return getattr(self._message, name)

    def as_bytes(self, unixfrom=False, linesep="\n"):
        import dkim

        raw = self._message.as_bytes(linesep="\r\n")
        signature = dkim.sign(
            raw,
            settings.MASTHEAD_DKIM_SELECTOR.encode(),
            settings.MASTHEAD_DKIM_DOMAIN.encode(),
            self._key,
            include_headers=self.SIGNED_HEADERS,
        )
        signed = signature + raw
        return signed if linesep == "\r\n" else signed.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")


class NewsletterMessage(EmailMultiAlternatives):
    """Django's mail message, DKIM-signed when a key is configured.

    ``raw``, when set, is the finished message as bytes (see ``PostMail``).
    """

    raw: bytes | None = None

    def message(self):
        message = RawMessage(self.raw) if self.raw is not None else super().message()
        key = dkim_key()
        return SignedMessage(message, key) if key else message


def list_headers(list_slug: str, list_name: str, unsubscribe: str) -> dict:
    """RFC 2919's List-Id and RFC 8058's one-click unsubscription."""
    return {
        "List-Id": f"{list_name} <{list_slug}.newsletter.{site_host()}>",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def inline(document: str) -> str:
    # The <style> stays too: media queries (dark mode, narrow screens) cannot be inlined.
    return css_inline.inline(document, keep_style_tags=True, load_remote_stylesheets=False)


class RawMessage:
    """Finished message bytes, standing where a backend expects a MIME message."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")


class PostMail:
    """One post's mail, rendered once; ``message_for`` addresses a copy to one reader.

    Building a MIME message costs more than sending it, so the whole message is also
    made once, as bytes, with stand-ins where readers differ; each reader's copy is
    those bytes with the stand-ins replaced. That is only done when the parts are sent
    as plain 8-bit text (the stand-ins then appear verbatim); otherwise, and for an
    address that is not plain ASCII, each copy is built by Django as usual. Both ways
    give the same message, and providers (django-anymail) read the same fields.
    """

    READER_ADDRESS = "reader@stand-in.invalid"
    READER_ID = "stand-in-reader-id"

    def __init__(self, post: Post):
        post = Post.objects.with_byline().prefetch_related("topics").get(pk=post.pk)
        blog = post.blog
        institution = Institution.current()
        whole_body = BlogMailSettings.content_for(blog) == BlogMailSettings.Content.BODY
        post_url = site_url(post.get_absolute_url())
        context = {
            "post": post,
            "blog": blog,
            "institution": institution,
            "postal_address": settings.MASTHEAD_NEWSLETTER_POSTAL_ADDRESS,
            "byline": ", ".join(a.display_name for a in post.byline),
            "image_url": site_url(post.featured_image.url) if post.featured_image else "",
            "body_html": absolute_body(post.body_html) if whole_body else "",
            "body_text": post.body if whole_body else "",
            "post_url": post_url,
            "comments_url": post_url + "#comments",
            "blog_url": site_url(blog.get_absolute_url()),
            "unsubscribe_url": UNSUBSCRIBE,
            "preferences_url": PREFERENCES,
        }
        self.post = post
        self.subject = post.title
        self.from_email = from_address(blog.name)
        self.html = inline(render_to_string("newsletter/email/post.html",
                                            {**context, "reason": REASON_HTML}))  # fmt: skip
        self.text = render_to_string("newsletter/email/post.txt", {**context, "reason": REASON})
        self.raw = self._prebuilt()

    def _message(self, address, reader_id, unsubscribe, text, html_part, connection=None):
        message = NewsletterMessage(
            subject=self.subject,
            body=text,
            from_email=self.from_email,
            to=[address],
            connection=connection,
            headers={
                "Message-ID": f"<post-{self.post.pk}.reader-{reader_id}@{site_host()}>",
                **list_headers(self.post.blog.slug, self.post.blog.name, unsubscribe),
            },
        )
        message.attach_alternative(html_part, "text/html")
        return message

    def _prebuilt(self) -> bytes | None:
        sample = self._message(self.READER_ADDRESS, self.READER_ID, UNSUBSCRIBE, self.text,
                               self.html)  # fmt: skip
        raw = EmailMultiAlternatives.message(sample).as_bytes(linesep="\r\n")
        lowered = raw.lower()
        if b"quoted-printable" in lowered or b"base64" in lowered:
            return None
        tokens = (self.READER_ADDRESS, self.READER_ID, UNSUBSCRIBE, PREFERENCES, REASON,
                  REASON_HTML)  # fmt: skip
        if not all(token.encode() in raw for token in tokens):
            return None
        return raw

    def message_for(self, subscriber: Subscriber, reason: str, connection=None):
        unsubscribe, preferences = unsubscribe_url(subscriber), preferences_url(subscriber)
        reason_html = html.escape(reason)

        def fill(template: str) -> str:
            return (
                template.replace(UNSUBSCRIBE, unsubscribe)
                .replace(PREFERENCES, preferences)
                .replace(REASON, reason)
                .replace(REASON_HTML, reason_html)
            )

        message = self._message(subscriber.email, subscriber.pk, unsubscribe, fill(self.text),
                                fill(self.html), connection)  # fmt: skip
        if self.raw is not None and subscriber.email.isascii():
            message.raw = (
                self.raw.replace(self.READER_ADDRESS.encode(), subscriber.email.encode())
                .replace(self.READER_ID.encode(), str(subscriber.pk).encode())
                .replace(UNSUBSCRIBE.encode(), unsubscribe.encode())
                .replace(PREFERENCES.encode(), preferences.encode())
                .replace(REASON.encode(), reason.encode())
                .replace(REASON_HTML.encode(), reason_html.encode())
            )
        return message


def digest_message(mailing, subscriber: Subscriber, posts: list[Post], reason: str,
                   connection=None):  # fmt: skip
    """One reader's weekly digest: the posts they follow, each with its summary and link."""
    institution = Institution.current()
    context = {
        "institution": institution,
        "postal_address": settings.MASTHEAD_NEWSLETTER_POSTAL_ADDRESS,
        "posts": [
            {
                "post": post,
                "byline": ", ".join(a.display_name for a in post.byline),
                "url": site_url(post.get_absolute_url()),
            }
            for post in posts
        ],
        "unsubscribe_url": unsubscribe_url(subscriber),
        "preferences_url": preferences_url(subscriber),
        "reason": reason,
    }
    name = institution.name
    message = NewsletterMessage(
        subject=f"This week from {name}: {len(posts)} new posts" if len(posts) != 1
        else f"This week from {name}: {posts[0].title}",
        body=render_to_string("newsletter/email/digest.txt", context),
        from_email=from_address(name),
        to=[subscriber.email],
        connection=connection,
        headers={
            "Message-ID": f"<digest-{mailing.pk}.reader-{subscriber.pk}@{site_host()}>",
            **list_headers("digest", f"{name} weekly digest", unsubscribe_url(subscriber)),
        },
    )  # fmt: skip
    message.attach_alternative(
        inline(render_to_string("newsletter/email/digest.html", context)), "text/html"
    )
    return message


def confirmation_message(email: str, confirm_url: str, follows: str) -> EmailMultiAlternatives:
    institution = Institution.current()
    context = {
        "institution": institution,
        "confirm_url": confirm_url,
        "follows": follows,
        "days": settings.MASTHEAD_NEWSLETTER_CONFIRM_DAYS,
    }
    return NewsletterMessage(
        subject=f"Confirm your subscription to {institution.name}",
        body=render_to_string("newsletter/email/confirm.txt", context),
        from_email=from_address(institution.name),
        to=[email],
    )
