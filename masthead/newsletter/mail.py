"""The mails themselves: a post's mail rendered once, then addressed to each reader.

The HTML part is made from a template with its stylesheet inlined by ``css-inline``
(mail clients drop ``<style>`` or parts of it); the stylesheet also stays in the head
for the clients that read it, which is where dark mode and narrow screens are handled.
Nothing in a mail tracks its reader: no pixels, and every link is the page's own address.
"""

import binascii
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


class ReaderLink:
    """A reader's signed link, its address resolved once for a whole mailing.

    The token (digits, a colon, URL-safe base64) needs no quoting, so the address is
    the same around any token.
    """

    STAND_IN = "0:stand-in"

    def __init__(self, url_name: str):
        self.before, self.after = site_url(reverse(url_name, args=[self.STAND_IN])).split(
            self.STAND_IN
        )

    def join(self, token: str) -> str:
        return f"{self.before}{token}{self.after}"


@cache
def dkim_key() -> bytes | None:
    path = settings.MASTHEAD_DKIM_KEY_FILE
    return Path(path).read_bytes() if path else None


SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"list-id",
                  b"list-unsubscribe", b"list-unsubscribe-post", b"mime-version",
                  b"content-type"]  # fmt: skip


def dkim_signature(raw: bytes, key: bytes) -> bytes:
    """The DKIM-Signature header line for the message ``raw`` (CRLF line ends)."""
    import dkim

    return dkim.sign(
        raw,
        settings.MASTHEAD_DKIM_SELECTOR.encode(),
        settings.MASTHEAD_DKIM_DOMAIN.encode(),
        key,
        include_headers=SIGNED_HEADERS,
    )


class SignedMessage:
    """A MIME message whose bytes carry a DKIM-Signature over exactly those bytes."""

    def __init__(self, message, key: bytes):
        self._message = message
        self._key = key

    def __getattr__(self, name):
        return getattr(self._message, name)

    def as_bytes(self, unixfrom=False, linesep="\n"):
        raw = self._message.as_bytes(linesep="\r\n")
        signed = dkim_signature(raw, self._key) + raw
        return signed if linesep == "\r\n" else signed.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")


class NewsletterMessage(EmailMultiAlternatives):
    """Django's mail message, DKIM-signed when a key is configured."""

    def message(self):
        message = super().message()
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


class PostMail:
    """One post's mail, rendered once; each reader's copy only fills in what is theirs.

    Rendering the templates, inlining the CSS and building the MIME structure cost
    far more than sending, so they are done once per post: ``raw`` is the finished
    message as a list of byte strings with stand-ins (``Slot``) where readers differ
    (To, Message-ID, the unsubscribe and preferences links, why they get it). A
    reader's copy (``raw_for``) joins those pieces with the reader's own values.

    Both parts are sent quoted-printable, encoded here piece by piece: a stand-in
    always sits on lines of its own between soft line breaks, so a reader's value,
    encoded alone, never changes how the rest is encoded (and the whole is plain
    7-bit ASCII that any server takes). The first copy is parsed back and compared
    with what Django would have put in each part; if anything differs (or for an
    address that is not plain ASCII) each copy is built by Django instead (``message_for``),
    which is also what providers (django-anymail) are given.
    """

    READER_ADDRESS = "reader@stand-in.invalid"
    READER_ID = "stand-in-reader-id"
    TEXT_PART = "@@text-part@@"
    HTML_PART = "@@html-part@@"

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
        self.envelope_from = parseaddr(self.from_email)[1]
        self.html = inline(render_to_string("newsletter/email/post.html",
                                            {**context, "reason": REASON_HTML}))  # fmt: skip
        self.text = render_to_string("newsletter/email/post.txt", {**context, "reason": REASON})
        self.raw = self._prebuilt()
        self.unsubscribe_link = ReaderLink("newsletter:unsubscribe")
        self.preferences_link = ReaderLink("newsletter:preferences")

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

    def _prebuilt(self) -> list | None:
        """The message as pieces of bytes and stand-ins, or None if it cannot be made so."""
        skeleton = self._message(self.READER_ADDRESS, self.READER_ID, UNSUBSCRIBE,
                                 self.TEXT_PART, self.HTML_PART)  # fmt: skip
        raw = EmailMultiAlternatives.message(skeleton).as_bytes(linesep="\r\n")
        header_slots = {self.READER_ADDRESS: "address", self.READER_ID: "reader_id",
                        UNSUBSCRIBE: "unsubscribe"}  # fmt: skip
        body_slots = {UNSUBSCRIBE: "unsubscribe", PREFERENCES: "preferences",
                      REASON: "reason", REASON_HTML: "reason_html"}  # fmt: skip
        pieces: list = []
        rest = raw
        for marker, part in ((self.TEXT_PART, self.text), (self.HTML_PART, self.html)):
            # Django wrote the short marker as it is; the part's real text goes there instead.
            found = re.search(rb"Content-Transfer-Encoding: [78]bit\r\n\r\n" + marker.encode(),
                              rest)  # fmt: skip
            if found is None or rest.count(marker.encode()) != 1:
                return None
            head = rest[: found.start()] + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            pieces += split_at(head, header_slots) if not pieces else [head]
            pieces += quoted_printable_pieces(part, body_slots)
            rest = rest[found.end() :]
        pieces.append(rest)
        self.raw = pieces
        if not self._same_as_django():
            return None
        return pieces

    def _same_as_django(self) -> bool:
        """Parse a sample copy back: its parts must read exactly as the rendered ones."""
        from email import message_from_bytes, policy

        values = {"address": "sample@example.org", "reader_id": "1",
                  "unsubscribe": "https://example.org/u/1:x-y_z/",
                  "preferences": "https://example.org/p/1:x-y_z/",
                  "reason": "you follow « Énergie » = energy",
                  "reason_html": "you follow « Énergie » &amp; = energy"}  # fmt: skip
        parsed = message_from_bytes(fill_pieces(self.raw, values), policy=policy.default)
        text = parsed.get_body(preferencelist=("plain",))
        html_part = parsed.get_body(preferencelist=("html",))
        if text is None or html_part is None:
            return False
        expected = {UNSUBSCRIBE: values["unsubscribe"], PREFERENCES: values["preferences"],
                    REASON: values["reason"], REASON_HTML: values["reason_html"]}  # fmt: skip

        def lines(text: str) -> str:
            return text.replace("\r\n", "\n")

        return (
            parsed["To"] == values["address"]
            and lines(text.get_content()) == lines(replace_all(self.text, expected))
            and lines(html_part.get_content()) == lines(replace_all(self.html, expected))
        )

    def raw_for(self, subscriber: Subscriber, reason: str) -> bytes | None:
        """This reader's copy as the bytes to hand to an SMTP server (None: not this way)."""
        if self.raw is None or not subscriber.email.isascii():
            return None
        token = subscriber.token
        values = {
            "address": subscriber.email,
            "reader_id": str(subscriber.pk),
            "unsubscribe": self.unsubscribe_link.join(token),
            "preferences": self.preferences_link.join(token),
            "reason": reason,
            "reason_html": html.escape(reason),
        }
        raw = fill_pieces(self.raw, values)
        key = dkim_key()
        return dkim_signature(raw, key) + raw if key else raw

    def message_for(self, subscriber: Subscriber, reason: str, connection=None):
        """This reader's copy as Django's message (for providers, and the rare odd address)."""
        unsubscribe, preferences = unsubscribe_url(subscriber), preferences_url(subscriber)
        values = {UNSUBSCRIBE: unsubscribe, PREFERENCES: preferences, REASON: reason,
                  REASON_HTML: html.escape(reason)}  # fmt: skip
        return self._message(subscriber.email, subscriber.pk, unsubscribe,
                             replace_all(self.text, values), replace_all(self.html, values),
                             connection)  # fmt: skip


class Slot(str):
    """The name of a reader's value in a prebuilt message, put in as it is (a header)."""


class EncodedSlot(Slot):
    """The name of a reader's value put in quoted-printable (in a part's text)."""


def replace_all(template: str, values: dict[str, str]) -> str:
    for stand_in, value in values.items():
        template = template.replace(stand_in, value)
    return template


def split_at(raw: bytes, slots: dict[str, str]) -> list:
    """``raw`` as bytes and ``Slot``s wherever one of the stand-ins appears."""
    pattern = re.compile(b"|".join(re.escape(stand_in.encode()) for stand_in in slots))
    pieces: list = []
    position = 0
    for found in pattern.finditer(raw):
        pieces += [raw[position : found.start()], Slot(slots[found.group().decode()])]
        position = found.end()
    return [*pieces, raw[position:]]


def quoted_printable(text: str) -> bytes:
    encoded = binascii.b2a_qp(text.replace("\r\n", "\n").encode(), istext=True)
    return encoded.replace(b"\n", b"\r\n")


SOFT_BREAK = b"=\r\n"


def quoted_printable_pieces(text: str, slots: dict[str, str]) -> list:
    """``text`` encoded quoted-printable around its stand-ins, each between soft breaks."""
    pieces: list = []
    stand_ins = re.compile("|".join(re.escape(stand_in) for stand_in in slots))
    position = 0
    for found in stand_ins.finditer(text):
        slot = EncodedSlot(slots[found.group()])
        pieces += [quoted_printable(text[position : found.start()]) + SOFT_BREAK, slot, SOFT_BREAK]
        position = found.end()
    return [*pieces, quoted_printable(text[position:])]


def fill_pieces(pieces: list, values: dict[str, str]) -> bytes:
    return b"".join(
        piece if not isinstance(piece, Slot)
        else quoted_printable(values[piece]) if isinstance(piece, EncodedSlot)
        else values[piece].encode()
        for piece in pieces
    )  # fmt: skip


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
