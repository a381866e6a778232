"""Mailing posts to their followers from the background worker, losing nothing.

A post that goes public (now, or at its scheduled time) gets one ``Mailing``; its
task runs at the publish time through django-tasks' database backend, so no cron
is needed. The task writes one ``Delivery`` per reader (a reader who follows the
blog and an author is one row: the table's unique pair), then sends them in turns
on one connection. Each row is marked sent the moment the server accepted its
mail, so a worker killed mid-send leaves at most the one mail in flight unmarked.

Who sends is decided by a lease on the mailing row. A turn holds it for at most
half of ``MASTHEAD_NEWSLETTER_LEASE_SECONDS`` and queues the next turn when it
ends; before sending it also queues a fallback turn for after the lease, which
does nothing if the sending went on, and takes over if the worker died.
"""

import enum
import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Min, Q, Value
from django.utils import timezone
from django_tasks import task

from masthead.newsletter.mail import PostMail, digest_message
from masthead.newsletter.models import Delivery, Mailing, Subscriber, Suppression
from masthead.publishing.models import Post

logger = logging.getLogger(__name__)

BATCH = 500  # deliveries read from the database at a time


def can_defer() -> bool:
    return send_mailing.get_backend().supports_defer


def enqueue_turn(mailing_id: int, at=None) -> None:
    turn = send_mailing
    if at is not None and at > timezone.now():
        if not can_defer():
            return  # a backend without deferral (tests' immediate one) cannot wait
        turn = turn.using(run_after=at)
    turn.enqueue(mailing_id)


# --- when a post goes public -----------------------------------------------------------
def post_saved(sender, instance: Post, **kwargs) -> None:
    """Connected to Post's post_save: a post public now or later gets its mailing."""
    if instance.status not in Post.GOING_PUBLIC or instance.publish_at is None:
        return
    recent = timezone.now() - timedelta(hours=settings.MASTHEAD_NEWSLETTER_RECENT_HOURS)
    if instance.publish_at < recent:
        return  # an archive imported, or an old post edited: never mailed
    post_id = instance.pk
    transaction.on_commit(lambda: schedule_post_mailing(post_id), robust=True)


def schedule_post_mailing(post_id: int) -> Mailing | None:
    """Make the post's mailing and queue it for the publish time (again, if that moved)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.status not in Post.GOING_PUBLIC or post.publish_at is None:
        return None
    with transaction.atomic():
        mailing, created = Mailing.objects.select_for_update().get_or_create(
            post=post, defaults={"kind": Mailing.Kind.POST}
        )
        if mailing.state != Mailing.State.WAITING or mailing.scheduled_for == post.publish_at:
            return mailing
        mailing.scheduled_for = post.publish_at
        mailing.save(update_fields=["scheduled_for"])
    enqueue_turn(mailing.pk, post.publish_at)
    return mailing


# --- who gets it -----------------------------------------------------------------------
def insert_deliveries(mailing: Mailing, readers, reason: str) -> None:
    """Add a pending delivery for each of ``readers`` not yet in the mailing, in SQL.

    One INSERT … SELECT: a hundred thousand readers never pass through Python.
    Earlier calls win, so a reader keeps the first reason found for them.
    """
    rows = readers.order_by().values("pk").annotate(
        mailing_id=Value(mailing.pk), reason=Value(reason[:300]),
        status=Value(Delivery.Status.PENDING), attempts=Value(0), error=Value(""),
    ).values_list("mailing_id", "pk", "reason", "status", "attempts", "error")  # fmt: skip
    select, params = rows.query.sql_with_params()
    table = Delivery._meta.db_table
    quote = db_connection.ops.quote_name
    names = ("mailing_id", "subscriber_id", "reason", "status", "attempts", "error")
    columns = ", ".join(quote(name) for name in names)
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({columns}) {select} ON CONFLICT DO NOTHING",  # noqa: S608
            params,
        )


def followers(post: Post, cadence: str) -> list[tuple]:
    """(readers, why) for each thing of the post a reader may follow, most specific first."""
    receiving = Subscriber.objects.receiving().filter(cadence=cadence)
    found = [(receiving.filter(blogs=post.blog_id), f"you follow the blog {post.blog.name}")]
    for author in post.authors.all():
        found.append((receiving.filter(authors=author), f"you follow {author.display_name}"))
    for topic in post.topics.all():
        found.append((receiving.filter(topics=topic), f"you follow the topic {topic.name}"))
    found.append((receiving.filter(everything=True), "you follow everything we publish"))
    return found


def address_post(mailing: Mailing, post: Post) -> None:
    for readers, reason in followers(post, Subscriber.Cadence.EACH):
        insert_deliveries(mailing, readers, reason)


def digest_posts(mailing: Mailing):
    return (
        Post.objects.public()
        .filter(publish_at__gte=mailing.digest_from, publish_at__lt=mailing.scheduled_for)
        .exclude(mailing__held_back=True)
        .with_byline()
        .order_by("publish_at")
    )


def address_digest(mailing: Mailing) -> None:
    for post in digest_posts(mailing):
        for readers, reason in followers(post, Subscriber.Cadence.WEEKLY):
            insert_deliveries(mailing, readers, reason)


# --- the task --------------------------------------------------------------------------
@task()
def send_mailing(mailing_id: int) -> str:
    """One turn of a mailing: start it if its time has come, then send for a while."""
    mailing = start(mailing_id)
    if mailing is None or mailing.state != Mailing.State.SENDING:
        return "nothing to send"
    lease = settings.MASTHEAD_NEWSLETTER_LEASE_SECONDS
    if not mailing.claim(lease):
        return "another worker is sending"
    # Should this worker die mid-turn, the next worker takes over once the lease ends.
    enqueue_turn(mailing.pk, timezone.now() + timedelta(seconds=lease + 1))
    try:
        sent, broken = deliver(mailing, until=time.monotonic() + lease / 2)
    finally:
        mailing.release()
    if broken:
        # The mail server is unreachable: wait before trying the next reader.
        retry = timedelta(seconds=settings.MASTHEAD_NEWSLETTER_RETRY_SECONDS)
        enqueue_turn(mailing.pk, timezone.now() + retry)
        return f"{sent} sent; the mail server failed, trying again later"
    return f"{sent} sent; " + finish_or_continue(mailing)


def start(mailing_id: int) -> Mailing | None:
    """Move a waiting mailing to sending once its time has come, with its readers listed."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=mailing_id).first()
        if mailing is None or mailing.state != Mailing.State.WAITING:
            return mailing
        if mailing.kind == Mailing.Kind.POST:
            post = mailing.post
            if mailing.held_back:
                mailing.state = Mailing.State.HELD
                mailing.save(update_fields=["state"])
                return mailing
            if not post.is_public:
                return None  # withdrawn, or moved later: a turn was queued for the new time
            address_post(mailing, post)
        else:
            if mailing.scheduled_for > timezone.now():
                return None
            address_digest(mailing)
        mailing.state = Mailing.State.SENDING
        mailing.started_at = timezone.now()
        mailing.recipients = mailing.deliveries.count()
        mailing.save(update_fields=["state", "started_at", "recipients"])
    return mailing


def finish_or_continue(mailing: Mailing) -> str:
    pending = mailing.deliveries.filter(status=Delivery.Status.PENDING)
    due = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
    if due.exists():
        enqueue_turn(mailing.pk)
        return "continuing"
    later = pending.aggregate(first=Min("next_attempt_at"))["first"]
    if later is not None:
        enqueue_turn(mailing.pk, later)
        return "waiting to retry"
    Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.SENT,
                                                 finished_at=timezone.now())  # fmt: skip
    if mailing.kind == Mailing.Kind.DIGEST:
        from masthead.newsletter.digest import schedule_next_digest

        schedule_next_digest()
    return "finished"


class Pace:
    """At most ``rate`` mails a second (0: no limit), by sleeping between them."""

    def __init__(self, rate: int):
        self.interval = 1 / rate if rate > 0 else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


def deliver(mailing: Mailing, until: float) -> tuple[int, bool]:
    """Send due deliveries on one connection until none are left or the turn is over.

    Returns how many were accepted, and whether the turn ended on a broken connection.
    """
    if mailing.kind == Mailing.Kind.POST:
        content = PostMail(mailing.post)
    else:
        content = None
        posts = list(digest_posts(mailing).prefetch_related("topics"))
    pace = Pace(settings.MASTHEAD_NEWSLETTER_RATE)
    mail_connection = get_connection()
    sent = 0
    last_pk = 0
    try:
        # Opened here, so that every send of the turn uses this one connection (a backend
        # opens and closes a connection per call when it was not open already).
        try:
            mail_connection.open()
        except (OSError, smtplib.SMTPException):
            return 0, True
        while time.monotonic() < until:
            batch = list(
                mailing.deliveries.filter(status=Delivery.Status.PENDING, pk__gt=last_pk)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
                .select_related("subscriber")
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            for delivery in batch:
                last_pk = delivery.pk
                reader = delivery.subscriber
                if not reader.is_receiving:
                    mark(delivery, Delivery.Status.SKIPPED)
                    continue
                if content is not None:
                    message = content.message_for(reader, delivery.reason, mail_connection)
                else:
                    mine = reader_posts(reader, posts)
                    if not mine:
                        mark(delivery, Delivery.Status.SKIPPED)
                        continue
                    message = digest_message(mailing, reader, mine, delivery.reason,
                                             mail_connection)  # fmt: skip
                pace.wait()
                outcome = send_one(mail_connection, message, delivery)
                if outcome is Outcome.BROKEN:
                    return sent, True
                sent += outcome is Outcome.SENT
                if time.monotonic() >= until:
                    break
    finally:
        mail_connection.close()
    return sent, False


def reader_posts(reader: Subscriber, posts: list[Post]) -> list[Post]:
    if reader.everything:
        return posts
    blogs = set(reader.blogs.values_list("pk", flat=True))
    authors = set(reader.authors.values_list("pk", flat=True))
    topics = set(reader.topics.values_list("pk", flat=True))
    return [
        post for post in posts
        if post.blog_id in blogs
        or authors & {a.pk for a in post.byline}
        or topics & {t.pk for t in post.topics.all()}
    ]  # fmt: skip


def mark(delivery: Delivery, status: str, **fields) -> None:
    # Committed at once (autocommit): this row is what a restarted worker trusts.
    Delivery.objects.filter(pk=delivery.pk).update(status=status, **fields)


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"  # permanently: the address is suppressed
    RETRY = "retry"  # refused for now (4xx): tried again later
    BROKEN = "broken"  # no answer at all: the connection or the server is down


def send_one(mail_connection, message, delivery: Delivery) -> Outcome:
    """Hand one mail to the server and record the outcome."""
    try:
        mail_connection.send_messages([message])
    except Exception as error:  # noqa: BLE001 - every failure is recorded, none loses the mail
        code, text = failure_code(error)
        if code is not None and 500 <= code < 600:
            Suppression.add(delivery.subscriber.email, Suppression.Reason.BOUNCED,
                            f"{code} {text}")  # fmt: skip
            mark(delivery, Delivery.Status.FAILED, error=f"{code} {text}"[:2000],
                 attempts=delivery.attempts + 1)  # fmt: skip
            return Outcome.FAILED
        retry_later(delivery, f"{code or ''} {text}".strip())
        if code is None:
            mail_connection.close()  # the connection may be gone; the next turn reopens it
            return Outcome.BROKEN
        return Outcome.RETRY
    mark(delivery, Delivery.Status.SENT, sent_at=timezone.now())
    return Outcome.SENT


def retry_later(delivery: Delivery, error: str) -> None:
    attempts = delivery.attempts + 1
    if attempts >= settings.MASTHEAD_NEWSLETTER_MAX_ATTEMPTS:
        mark(delivery, Delivery.Status.FAILED, attempts=attempts, error=error[:2000])
        return
    wait = settings.MASTHEAD_NEWSLETTER_RETRY_SECONDS * 4 ** (attempts - 1)
    mark(delivery, Delivery.Status.PENDING, attempts=attempts, error=error[:2000],
         next_attempt_at=timezone.now() + timedelta(seconds=wait))  # fmt: skip


def failure_code(error: Exception) -> tuple[int | None, str]:
    """The SMTP reply code and words of a failed send; None for a broken connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, words = next(iter(error.recipients.values()))
        return code, words.decode(errors="replace") if isinstance(words, bytes) else str(words)
    if isinstance(error, smtplib.SMTPResponseException):
        words = error.smtp_error
        text = words.decode(errors="replace") if isinstance(words, bytes) else str(words)
        return error.smtp_code, text
    try:
        from anymail.exceptions import AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is a dependency
        AnymailRecipientsRefused = ()  # noqa: N806
    if isinstance(error, AnymailRecipientsRefused):
        return 550, str(error)
    return None, f"{type(error).__name__}: {error}"
