"""Comments, the stored count readers see, and the append-only moderation log.

The state of a comment changes only through its methods (``approve``,
``reject``, ``mark_spam``, ``withdraw``, ``edit``, ``erase``). Each runs in
one transaction that also recounts the post's approved comments into its
``Thread`` row and writes the decision to the log, so the count on the post
page and the log can never disagree with the comments themselves.
"""

import datetime
import functools
import hashlib
import math
import secrets

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone

from masthead import caching
from masthead.discussion import flags as comment_flags
from masthead.discussion.signals import comment_approved
from masthead.discussion.text import (
    clean_text,
    render_comment_html,
    render_imported_comment_html,
)
from masthead.publishing.models import Post

NAME_MAX_LENGTH = 80
BODY_MAX_LENGTH = 5000

REJECTION_REASONS = [
    "Off topic",
    "Personal attack or abuse",
    "Advertising or self-promotion",
    "Repeats an earlier comment",
    "Unverifiable claim about a person",
    "Not in English",
]


def body_fingerprint(text: str) -> str:
    """Identical for texts that differ only in case and spacing (exact-duplicate detection)."""
    folded = " ".join(text.casefold().split())
    return hashlib.sha256(folded.encode()).hexdigest()


def new_status_token() -> str:
    return secrets.token_urlsafe(32)


@functools.cache
def _shown_thread_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    # In the model's order, which is the order ``from_db`` reads the values in.
    fields = [f for f in Thread._meta.concrete_fields if f.attname in Thread.SHOWN_FIELDS]
    columns = ", ".join(quote(field.column) for field in fields)
    post = quote(Thread._meta.get_field("post").column)
    # Names come from the model; the post's id is a parameter.
    return f"SELECT {columns} FROM {quote(Thread._meta.db_table)} WHERE {post} = %s"  # noqa: S608


class Thread(models.Model):
    """Per-post discussion state: the stored counts readers see, and a version for caches.

    ``version`` rises with every change that could alter the public comment
    list, so a cache keyed on it can never serve a comment that has since
    been rejected or erased.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="discussion")
    approved_count = models.PositiveIntegerField(default=0)
    approved_root_count = models.PositiveIntegerField(
        default=0, help_text="Approved comments that are not replies (for pagination)."
    )
    version = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Discussion of {self.post}"

    # What a post page reads of its thread (the rest stays deferred).
    SHOWN_FIELDS = ("id", "post_id", "approved_count", "approved_root_count", "version")

    @classmethod
    def shown_for(cls, post_id: int) -> "Thread":
        """The post's thread as a reader's page shows it; an empty one before any comment.

        One plain statement: every uncached post page asks it, and having the ORM
        compose it each time cost several times running it.
        """
        connection = connections[router.db_for_read(cls)]
        with connection.cursor() as cursor:
            cursor.execute(_shown_thread_sql(connection.alias), [post_id])
            row = cursor.fetchone()
        if row is None:
            return cls(post_id=post_id)
        return cls.from_db(connection.alias, cls.SHOWN_FIELDS, row)

    @classmethod
    def locked_for(cls, post_id: int) -> "Thread":
        """The post's thread row, locked until the surrounding transaction ends."""
        cls.objects.get_or_create(post_id=post_id)
        return cls.objects.select_for_update().get(post_id=post_id)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.approved_root_count / settings.MASTHEAD_COMMENTS_PER_PAGE))

    def cache_key(self, page_number: int) -> str:
        # "t": the markup with Reply under every comment; copies rendered before it are not read.
        return f"discussion:page:t:{self.post_id}:{self.version}:{page_number}"

    def recount(self, *, new_thread: bool = False) -> None:
        """Store the counts afresh; called inside the transaction that changed a comment.

        ``new_thread``: the row was made in this transaction, so no reader can have
        cached a page of it, and there is nothing to drop after the commit (an import
        of many posts would otherwise hold one such callback per post until it commits).
        """
        if new_thread:
            self._count()
            return
        stale_keys = [self.cache_key(n) for n in range(1, self.page_count + 1)]
        self._count()
        # The new version already hides the old pages; dropping them keeps a rejected
        # comment's text out of the cache altogether. Again after commit, in case a
        # reader re-filled an old page in between.
        caching.delete_many(stale_keys)
        transaction.on_commit(lambda: caching.delete_many(stale_keys))

    def _count(self) -> None:
        shown = Comment.objects.filter(post_id=self.post_id, status=Comment.Status.APPROVED)
        # A reply shows only under a shown comment; one whose parent was taken down is not
        # on the page, so it is not in the count either.
        visible = shown.filter(
            models.Q(parent__isnull=True) | models.Q(parent__status=Comment.Status.APPROVED)
        )
        self.approved_count = visible.filter(erased_at__isnull=True).count()
        self.approved_root_count = shown.filter(parent__isnull=True).count()
        self.version += 1
        self.save()


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def by_commenter(self, email: str):
        return self.filter(email=email.strip().lower()).exclude(email="")

    def shown(self):
        """Approved and not erased: what a reader sees, and so what a reply may hang under."""
        return self.approved().filter(erased_at__isnull=True)

    def answerable(self, post, comment_id: int | None) -> "Comment | None":
        """The comment a reader may answer on ``post``, with its ``parent`` loaded; else None.

        Only a shown comment of this very post is answerable, and only while the top
        comment of its thread is shown too, or the reply would hang under hidden text.
        Whatever else is named (another post's comment, a held, rejected or erased one,
        no comment at all) gives the same None, so the answer tells nothing about it.
        """
        if not comment_id or not 0 < comment_id < 2**63:
            return None
        top_is_shown = models.Q(parent__isnull=True) | models.Q(
            parent__status=Comment.Status.APPROVED, parent__erased_at__isnull=True
        )
        return (
            self.shown()
            .filter(top_is_shown, post=post, pk=comment_id)
            .select_related("parent")
            .first()
        )


class ChangedSinceShown(Exception):
    """The commenter edited the comment after the moderator's page showed it."""


class Comment(models.Model):
    ChangedSinceShown = ChangedSinceShown

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        APPROVED = "approved", "Published"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"
        WITHDRAWN = "withdrawn", "Withdrawn by the commenter"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        help_text="The comment this replies to; replies are one level deep.",
    )
    # The thread stays one level deep (``parent`` is its first comment); a reply to a reply
    # remembers which one it answered, so the page can say "in reply to NAME" (an archive
    # brought in from WordPress, where threads went ten deep, keeps who answered whom).
    in_reply_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The reply this one answers, when it answers a reply rather than the thread.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    author_name = models.CharField("name", max_length=NAME_MAX_LENGTH)
    email = models.EmailField(help_text="Never shown publicly. Stored in lower case.")
    body = models.TextField("comment as typed", max_length=BODY_MAX_LENGTH)
    body_html = models.TextField("comment as shown", editable=False)
    notify_on_publish = models.BooleanField(default=False)
    ip_hash = models.CharField(max_length=64, blank=True, help_text="Salted hash; never the IP.")
    flags = models.JSONField(
        default=list, blank=True, help_text="Why the comment deserves a moderator's attention."
    )
    body_fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    # Private link for the commenter; and the key that makes a repeated submission one comment.
    status_token = models.CharField(max_length=64, unique=True, default=new_status_token)
    submission_key = models.CharField(max_length=64, unique=True, null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Rises with every edit: a moderator's decision names the revision they read.
    revision = models.PositiveIntegerField(default=1, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(
                fields=["post", "status", "parent", "created_at"], name="comment_thread_idx"
            ),
            # Every submission asks whether its address has an approved comment, and how
            # many it sent within the rate window: both answered from an index alone, so
            # a regular with thousands of comments costs what a newcomer does.
            models.Index(fields=["email", "status"], name="comment_known_sender_idx"),
            models.Index(fields=["email", "created_at"], name="comment_email_recent_idx"),
            # The rate limits count a sender's recent comments in the table itself.
            models.Index(fields=["ip_hash", "created_at"], name="comment_sender_idx"),
        ]
        permissions = [("moderate_comment", "Can moderate comments (the moderation queue)")]

    def __str__(self):
        return f"{self.author_name or 'Removed'} on {self.post_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def set_text(self, body: str) -> None:
        self.body = clean_text(body)
        self.body_html = render_comment_html(self.body)
        self.body_fingerprint = body_fingerprint(self.body)

    def set_imported_text(self, body: str, html: str) -> None:
        """A comment brought from another system: ``body`` its words as plain text, ``html``
        its formatting there, kept to the imported comments' allow-list."""
        self.set_text(body)
        self.body_html = render_imported_comment_html(html) or self.body_html

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        if not self.body_html and self.body:
            self.set_text(self.body)
        super().save(*args, **kwargs)

    # --- moderators' decisions -------------------------------------------------
    # ``seen_revision`` is the revision the moderator's page showed; a decision on
    # text the commenter has changed since raises ``ChangedSinceShown`` and changes
    # nothing, so the comment stays in the queue with its new text and flags.
    def approve(self, by=None, seen_revision: int | None = None) -> bool:
        return self._decide(
            self.Status.APPROVED, ModerationDecision.Action.APPROVE, by, "", seen_revision
        )

    def reject(self, reason: str = "", by=None, seen_revision: int | None = None) -> bool:
        return self._decide(
            self.Status.REJECTED, ModerationDecision.Action.REJECT, by, reason, seen_revision
        )

    def mark_spam(self, by=None, seen_revision: int | None = None) -> bool:
        return self._decide(self.Status.SPAM, ModerationDecision.Action.SPAM, by, "", seen_revision)

    def _decide(
        self, status: str, action: str, by, reason: str = "", seen_revision: int | None = None
    ) -> bool:
        """Move to ``status`` and log it; False (and nothing logged) if there is nothing to do."""
        with transaction.atomic():
            thread = Thread.locked_for(self.post_id)
            current = Comment.objects.select_for_update().get(pk=self.pk)
            if current.status == status or current.status == self.Status.WITHDRAWN:
                self.refresh_from_db()
                return False
            if current.is_erased:
                self.refresh_from_db()
                return False
            if seen_revision is not None and seen_revision != current.revision:
                self.refresh_from_db()
                raise ChangedSinceShown(self.pk)
            # Decide on the stored text, not on whatever this instance was loaded with.
            self.refresh_from_db()
            self.status = status
            self.decided_at = timezone.now()
            self.rejection_reason = reason[:200] if status == self.Status.REJECTED else ""
            self.save(update_fields=["status", "decided_at", "rejection_reason"])
            thread.recount()
            ModerationDecision.record(self, action, by, reason)
            if status == self.Status.APPROVED:
                comment_approved.send(sender=Comment, comment=self)
        return True

    @classmethod
    def bring_in(cls, comments: list["Comment"], rejection_reason: str = "") -> None:
        """Store comments decided elsewhere (an import), many at once, as the decisions would.

        Each unsaved comment carries the status it had in the other system. What
        ``approve()``, ``reject()`` and ``mark_spam()`` do one comment at a time
        happens here once for the lot: each decision is logged (by "system"),
        each post's counts are taken once at the end, and an approval is
        announced. A reply may name a parent from the same list: parents are
        stored first. Run it inside the caller's transaction.
        """
        if not comments:
            return
        now = timezone.now()
        actions = {
            cls.Status.APPROVED: ModerationDecision.Action.APPROVE,
            cls.Status.REJECTED: ModerationDecision.Action.REJECT,
            cls.Status.SPAM: ModerationDecision.Action.SPAM,
        }
        for comment in comments:
            if comment.status not in (*actions, cls.Status.PENDING):
                raise ValueError(f"an imported comment cannot be {comment.status}")
            comment.email = comment.email.strip().lower()
            if not comment.body_html and comment.body:
                comment.set_text(comment.body)
            if comment.status in actions:
                comment.decided_at = now
            is_rejected = comment.status == cls.Status.REJECTED
            comment.rejection_reason = rejection_reason[:200] if is_rejected else ""
        waiting = list(comments)
        while waiting:
            # Parents before their replies: a reply is stored once its parent has an id.
            ready = [
                c
                for c in waiting
                if (c.parent is None or c.parent.pk is not None)
                and (c.in_reply_to is None or c.in_reply_to.pk is not None)
            ]
            if not ready:
                raise ValueError("a comment replies to a comment that is not being stored")
            cls.objects.bulk_create(ready)
            waiting = [c for c in waiting if c.pk is None]
        ModerationDecision.objects.bulk_create(
            ModerationDecision(
                comment=comment,
                action=actions[comment.status],
                moderator_name=ModerationDecision.default_actor(actions[comment.status]),
                reason=comment.rejection_reason,
                created_at=now,
            )
            for comment in comments
            if comment.status in actions
        )
        for post_id in sorted({comment.post_id for comment in comments}):
            thread, created = Thread.objects.get_or_create(post_id=post_id)
            if created:
                thread.recount(new_thread=True)
            else:
                Thread.locked_for(post_id).recount()
        for comment in comments:
            if comment.status == cls.Status.APPROVED:
                comment_approved.send(sender=Comment, comment=comment)

    # --- the commenter's own actions, through the private link ------------------
    def withdraw(self) -> bool:
        with transaction.atomic():
            current = Comment.objects.select_for_update().get(pk=self.pk)
            if not current.is_pending:
                return False
            self.status = self.Status.WITHDRAWN
            self.decided_at = timezone.now()
            self.save(update_fields=["status", "decided_at"])
            ModerationDecision.record(self, ModerationDecision.Action.WITHDRAW, None)
        return True

    def edit(self, body: str) -> bool:
        """The commenter changes the text while it still awaits moderation.

        The text's flags are computed afresh, "Edited after submission" joins them,
        and the revision rises, so a moderator who read the old text cannot approve
        the new one without seeing it.
        """
        with transaction.atomic():
            current = Comment.objects.select_for_update().get(pk=self.pk)
            if not current.is_pending:
                return False
            self.set_text(body)
            duplicate = (
                Comment.objects.filter(body_fingerprint=self.body_fingerprint)
                .exclude(pk=self.pk)
                .exists()
            )
            self.flags = comment_flags.flags_after_edit(
                current.flags,
                self.body,
                rules=ModerationRules.cached_rules(),
                duplicate=duplicate,
                html=self.body_html,
            )
            self.edited_at = timezone.now()
            self.revision = current.revision + 1
            self.save(
                update_fields=[
                    "body", "body_html", "body_fingerprint", "flags", "edited_at", "revision",
                ]
            )  # fmt: skip
            ModerationDecision.record(self, ModerationDecision.Action.EDIT, None)
        return True

    # --- privacy ------------------------------------------------------------------
    def erase(self, by=None, reason: str = "") -> None:
        """Remove everything personal; an approved comment stays as a "removed" placeholder."""
        with transaction.atomic():
            thread = Thread.locked_for(self.post_id)
            self.author_name = ""
            self.email = ""
            self.body = ""
            self.body_html = ""
            self.body_fingerprint = ""
            self.ip_hash = ""
            self.flags = []
            self.notify_on_publish = False
            self.erased_at = timezone.now()
            self.save()
            thread.recount()
            ModerationDecision.record(self, ModerationDecision.Action.ERASE, by, reason)

    def get_status_url(self):
        from django.urls import reverse

        return reverse("discussion:status", args=[self.status_token])


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The moderation log is append-only.")

    def delete(self):
        raise TypeError("The moderation log is append-only.")


class ModerationDecision(models.Model):
    """One line of the audit log: who did what to which comment, when and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        SPAM = "spam", "Marked as spam"
        WITHDRAW = "withdraw", "Withdrawn by the commenter"
        EDIT = "edit", "Edited by the commenter"
        ERASE = "erase", "Personal data erased"
        EXPORT = "export", "Commenter's data exported"

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Kept as text so the log still says who acted after an account is removed.
    moderator_name = models.CharField(max_length=150, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "moderation log entry"
        verbose_name_plural = "moderation log"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.get_action_display()}"

    @property
    def actor(self) -> str:
        return self.moderator_name or "the commenter"

    @classmethod
    def record(cls, comment, action, by, reason: str = "") -> "ModerationDecision":
        return cls.objects.create(
            comment=comment,
            action=action,
            moderator=by if by is not None and by.is_authenticated else None,
            moderator_name=by.get_username() if by is not None else cls.default_actor(action),
            reason=reason[:200],
        )

    @classmethod
    def default_actor(cls, action) -> str:
        by_commenter = {cls.Action.WITHDRAW, cls.Action.EDIT}
        return "" if action in by_commenter else "system"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The moderation log is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The moderation log is append-only: entries cannot be deleted.")


class ModerationRules(models.Model):
    """The flags moderators tune themselves: how many links, and which words, draw attention."""

    max_links = models.PositiveSmallIntegerField(
        default=2, help_text="A comment with more links than this is flagged."
    )
    listed_words = models.TextField(
        blank=True,
        help_text="One word or phrase per line; a comment containing one is flagged.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "moderation rules"
        verbose_name_plural = "moderation rules"

    def __str__(self):
        return "Moderation rules"

    # Holds the rules as ``flags.Rules`` (a tuple of words and a number), not the model:
    # every submission reads it, and unpickling a model instance costs several times more.
    CACHE_KEY = "discussion:moderation-rules:v2"

    @classmethod
    def current(cls) -> "ModerationRules":
        return cls.objects.order_by("pk").first() or cls()

    @classmethod
    def cached_rules(cls) -> comment_flags.Rules:
        """The rules as every submission reads them: from the cache, refreshed on save."""
        rules = caching.get(cls.CACHE_KEY)
        if rules is None:
            rules = cls.current().as_rules()
            caching.set(cls.CACHE_KEY, rules, timeout=60)
        return rules

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        caching.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: caching.delete(self.CACHE_KEY))

    @property
    def word_list(self) -> list[str]:
        return [w.strip().casefold() for w in self.listed_words.splitlines() if w.strip()]

    def as_rules(self) -> comment_flags.Rules:
        return comment_flags.Rules(max_links=self.max_links, words=tuple(self.word_list))


class SentMail(models.Model):
    """A mail handed to the mail server; the per-address daily cap counts these."""

    recipient = models.EmailField(db_index=True)
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.kind} mail at {self.sent_at:%Y-%m-%d %H:%M}"

    @classmethod
    def sent_today(cls, recipient: str) -> int:
        since = timezone.now() - datetime.timedelta(days=1)
        return cls.objects.filter(recipient=recipient.lower(), sent_at__gte=since).count()
