"""Readers who follow blogs, authors and topics by email, and every mail sent to them.

A subscriber exists only once they followed a confirmation link (double opt-in)
or were imported with a recorded consent; what they asked for before that lives
only in the signed link. Each (mailing, subscriber) pair is one ``Delivery`` row:
the sender marks it sent the moment the mail server accepted it, so a worker
killed mid-send resumes after the last accepted mail.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from masthead.publishing.models import Author, Blog, Post, Topic

SUBSCRIBER_SALT = "masthead.newsletter.subscriber"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """The same for the same address, and useless for recovering it without the site's key.

    Suppressions and the confirmation cap are kept under this, so they outlive an
    erased subscriber without keeping the address itself.
    """
    key = ("newsletter:" + settings.SECRET_KEY).encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Subscribers who are mailed: confirmed, not left, not suppressed."""
        return self.filter(confirmed_at__isnull=False, left_at__isnull=True,
                           suppressed_at__isnull=True)  # fmt: skip

    def following(self, post: Post):
        """Who follows ``post`` by its blog, one of its authors or topics, or everything."""
        return self.filter(
            Q(everything=True)
            | Q(blogs=post.blog_id)
            | Q(authors__in=post.authors.all())
            | Q(topics__in=post.topics.all())
        ).distinct()


class Subscriber(models.Model):
    class Cadence(models.TextChoices):
        EACH = "each", "Each post as it is published"
        WEEKLY = "weekly", "A weekly digest"

    email = models.EmailField(unique=True, help_text="Stored in lower case.")
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.EACH)
    everything = models.BooleanField("follows everything", default=False)
    blogs = models.ManyToManyField(Blog, blank=True, related_name="newsletter_subscribers")
    authors = models.ManyToManyField(Author, blank=True, related_name="newsletter_subscribers")
    topics = models.ManyToManyField(Topic, blank=True, related_name="newsletter_subscribers")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(
        max_length=200, help_text="How they agreed: the subscribe form, or which import."
    )
    created_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField("unsubscribed at", null=True, blank=True)
    suppressed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        indexes = [
            # The recipients of a mailing are read from here, in id order.
            models.Index(
                fields=["confirmed_at", "left_at", "suppressed_at", "cadence", "id"],
                name="subscriber_receiving_idx",
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.email

    @property
    def token(self) -> str:
        # No expiry: the links in an old mail still unsubscribe.
        return signing.Signer(salt=SUBSCRIBER_SALT).sign(str(self.pk))

    @classmethod
    def from_token(cls, token: str) -> "Subscriber | None":
        try:
            pk = int(signing.Signer(salt=SUBSCRIBER_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None
        return cls.objects.filter(pk=pk).first()

    @property
    def is_receiving(self) -> bool:
        return bool(self.confirmed_at and not self.left_at and not self.suppressed_at)

    def follows_description(self) -> str:
        """What they follow, in words, for the footer of their mails."""
        if self.everything:
            return "everything we publish"
        names = [b.name for b in self.blogs.all()]
        names += [a.display_name for a in self.authors.all()]
        names += [t.name for t in self.topics.all()]
        return ", ".join(names) or "nothing at the moment"

    def leave(self) -> None:
        """Unsubscribe: no more mail, and no import brings them back."""
        with transaction.atomic():
            self.left_at = timezone.now()
            self.save(update_fields=["left_at"])
            Suppression.add(self.email, Suppression.Reason.UNSUBSCRIBED, "unsubscribed")


class Suppression(models.Model):
    """An address that is not mailed again, and why; kept by hash, so it outlives erasure."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Bounced (permanent failure)"
        COMPLAINED = "complained", "Marked as spam"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        MANUAL = "manual", "Suppressed by an administrator"

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True, help_text="The server's or the provider's words.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"

    @classmethod
    def add(cls, email: str, reason: str, detail: str = "") -> None:
        """Suppress ``email`` (the latest reason wins) and stop mailing its subscriber."""
        now = timezone.now()
        cls.objects.update_or_create(
            email_hash=email_hash(email),
            defaults={"reason": reason, "detail": detail[:2000], "created_at": now},
        )
        if reason != cls.Reason.UNSUBSCRIBED:
            Subscriber.objects.filter(email=normalise_email(email)).update(suppressed_at=now)

    @classmethod
    def of(cls, email: str) -> "Suppression | None":
        return cls.objects.filter(email_hash=email_hash(email)).first()


class BlogMailSettings(models.Model):
    """How a blog's posts are mailed: the whole body, or the summary and a link."""

    class Content(models.TextChoices):
        BODY = "body", "The whole body"
        SUMMARY = "summary", "The summary and a link to read on"

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="mail_settings")
    content = models.CharField(max_length=10, choices=Content.choices, default=Content.BODY)

    class Meta:
        verbose_name = "blog's mail settings"
        verbose_name_plural = "blogs' mail settings"

    def __str__(self):
        return f"Mail settings of {self.blog}"

    @classmethod
    def content_for(cls, blog: Blog) -> str:
        found = cls.objects.filter(blog=blog).values_list("content", flat=True).first()
        return found or cls.Content.BODY


class Mailing(models.Model):
    """One post's mail to its followers, or one week's digest.

    An editor can create a post's mailing before publication to hold the post back.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        DIGEST = "digest", "Weekly digest"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for its time"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        HELD = "held", "Held back"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST)
    post = models.OneToOneField(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="mailing"
    )
    held_back = models.BooleanField(
        "don't email this post", default=False,
        help_text="Checked before the post goes public, it is never mailed.",
    )  # fmt: skip
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    digest_from = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Until when one worker owns the sending; a dead worker's lease simply runs out.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    recipients = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="digest") | Q(post__isnull=False), name="post_mailing_has_post"
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.DIGEST:
            return f"Weekly digest of {self.scheduled_for:%Y-%m-%d}"
        return f"Mail of “{self.post}”"

    def claim(self, seconds: int) -> bool:
        """Take the sending for ``seconds``, unless another worker holds it; True when taken."""
        now = timezone.now()
        taken = (
            Mailing.objects.filter(pk=self.pk, state=self.State.SENDING)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_until=now + timezone.timedelta(seconds=seconds))
        )
        return taken == 1

    def release(self) -> None:
        Mailing.objects.filter(pk=self.pk).update(lease_until=None)


class Delivery(models.Model):
    """One mailing to one subscriber: pending until the mail server accepted it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (left or suppressed before it went)"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    reason = models.CharField(max_length=300, help_text="What they follow that brought this mail.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="one_mail_per_reader"),
        ]
        indexes = [models.Index(fields=["mailing", "status", "id"], name="delivery_queue_idx")]

    def __str__(self):
        return f"{self.mailing} to subscriber #{self.subscriber_id}: {self.status}"


class ConfirmationMail(models.Model):
    """When an address was last sent a confirmation link: at most one a day, whatever is asked."""

    email_hash = models.CharField(max_length=64, unique=True)
    last_sent_at = models.DateTimeField()

    def __str__(self):
        return f"Confirmation sent {self.last_sent_at:%Y-%m-%d %H:%M}"

    @classmethod
    def may_send(cls, email: str, now=None) -> bool:
        """Count one confirmation for ``email``; False when it had one in the last 24 hours.

        One conditional UPDATE or one INSERT, so two requests at once cannot both pass.
        """
        now = now or timezone.now()
        key = email_hash(email)
        cutoff = now - timezone.timedelta(days=1)
        if cls.objects.filter(email_hash=key, last_sent_at__lte=cutoff).update(last_sent_at=now):
            return True
        try:
            with transaction.atomic():
                cls.objects.create(email_hash=key, last_sent_at=now)
        except IntegrityError:
            return False
        return True


class ClientBudget(models.Model):
    """Uses of a form by one client in one window, kept in the database.

    Unlike the cache, nothing evicts these rows: a client cannot reset its count by
    making the site forget it. Old windows are deleted as new ones open.
    """

    name = models.CharField(max_length=40)
    client = models.CharField(max_length=64)
    window = models.BigIntegerField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name", "client", "window"], name="one_count_per_window"
            )
        ]

    def __str__(self):
        return f"{self.name}: {self.used} in window {self.window}"

    @classmethod
    def spend(cls, name: str, client: str, limit: int, seconds: int) -> bool:
        """Count one use; False when ``client`` already used ``limit`` in this window."""
        window = int(timezone.now().timestamp() // seconds)
        with transaction.atomic():
            row, created = cls.objects.select_for_update().get_or_create(
                name=name, client=client, window=window
            )
            if row.used >= limit:
                return False
            cls.objects.filter(pk=row.pk).update(used=F("used") + 1)
            if created:
                cls.objects.filter(name=name, window__lt=window - 1).delete()
        return True
