"""Mailing posts to their followers from the background worker, losing nothing.

A post that goes public (now, or at its scheduled time) gets one ``Mailing``; its
task runs at the publish time through django-tasks' database backend, so no cron
is needed. The task writes one ``Delivery`` per reader (a reader who follows the
blog and an author is one row: the table's unique pair), then sends them in rounds
over a few connections side by side. Each mail the server accepts is recorded before
its connection hands over the next one, so a worker killed mid-send leaves at most
the mail in flight on each connection unrecorded: those, and only those, may go twice.

Who sends is decided by a lease on the mailing row. A turn holds it for at most
half of ``MASTHEAD_NEWSLETTER_LEASE_SECONDS`` and queues the next turn when it
ends; before sending it also queues a fallback turn for after the lease, which
does nothing if the sending went on, and takes over if the worker died.
"""

import dataclasses
import enum
import logging
import queue
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Min, Q, Value
from django.utils import timezone
from django_tasks import task

from masthead import changes
from masthead.newsletter.mail import PostMail, digest_message
from masthead.newsletter.models import Delivery, Mailing, Subscriber, Suppression
from masthead.publishing.models import Post

logger = logging.getLogger(__name__)


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
def changes_committed(committed: list[changes.Change]) -> None:
    """The newsletter's consumer of ``masthead.changes``: a post saved public (now, or
    scheduled for later) gets its mailing, queued for its publish time.

    Told after the commit, so the mailing's task never runs before the post is there.
    A post whose publish time is long past when it is saved (an imported archive, an
    old post edited today) is never mailed; fixtures loaded raw are not publications.
    """
    post_ids: set[int] = set()
    for change in committed:
        if change.of("publishing.Post") and not change.deleted and not change.raw:
            post_ids |= change.post_ids or set()
    if not post_ids:
        return
    recent = timezone.now() - timedelta(hours=settings.MASTHEAD_NEWSLETTER_RECENT_HOURS)
    going_public = Post.objects.filter(
        pk__in=post_ids, status__in=Post.GOING_PUBLIC, publish_at__gte=recent
    )
    for post_id in going_public.order_by("pk").values_list("pk", flat=True):
        schedule_post_mailing(post_id)


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
    """At most ``rate`` mails a second over all connections (0: no limit), by sleeping."""

    def __init__(self, rate: int):
        self.interval = 1 / rate if rate > 0 else 0
        self.next_at = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


@dataclasses.dataclass
class Outgoing:
    """One reader's mail, ready: the bytes for an SMTP server, or Django's message."""

    delivery: Delivery
    raw: bytes | None = None
    envelope_from: str = ""
    message: object = None


class Result(NamedTuple):
    delivery: Delivery
    outcome: "Outcome"
    error: str = ""


def deliver(mailing: Mailing, until: float) -> tuple[int, bool]:
    """Send due deliveries in rounds until none are left or the turn is over.

    A round takes up to connections × batch pending deliveries in id order and sends
    them over the connections side by side (each its share, in order, in a thread of
    its own). Each accepted mail is recorded (this thread, one short UPDATE) before its
    connection hands over the next: a worker killed at any moment leaves at most the
    mail in flight on each connection unrecorded, so at most those can arrive twice;
    every earlier one is recorded, and none is skipped. Refusals are written down when
    the round ends.

    Returns how many were accepted, and whether the turn ended on a broken connection.
    """
    count = max(1, settings.MASTHEAD_NEWSLETTER_CONNECTIONS)
    size = count * max(1, settings.MASTHEAD_NEWSLETTER_BATCH)
    pace = Pace(settings.MASTHEAD_NEWSLETTER_RATE)
    connections = []
    sent = 0
    try:
        # Opened here, so that every send of the turn uses these connections (a backend
        # opens and closes a connection per call when it was not open already).
        try:
            for _ in range(count):
                connection = get_connection()
                connection.open()
                connections.append(connection)
        except (OSError, smtplib.SMTPException):
            return 0, True
        # Finished bytes go straight to an SMTP server; other backends get Django's message.
        rounds = Rounds(mailing, as_bytes=isinstance(connections[0], SMTPBackend))
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="newsletter") as pool:
            outgoing = rounds.next(size)
            while outgoing is not None:
                handshake = Handshake()
                on_the_wire = [
                    pool.submit(send_share, connection, outgoing[n::count], pace, handshake)
                    for n, connection in enumerate(connections)
                ]
                # The next round is made a mail at a time between recordings, while this
                # one is on the wire (it is sent only once this one has ended).
                upcoming = rounds.making(size) if time.monotonic() < until else None
                sent += handshake.record_until_done(on_the_wire, meanwhile=upcoming)
                results = [result for share in on_the_wire for result in share.result()]
                record(results)
                if any(result.outcome is Outcome.BROKEN for result in results):
                    return sent, True
                outgoing = upcoming.finish() if upcoming is not None else None
    finally:
        for connection in connections:
            connection.close()
    return sent, False


class Handshake:
    """Between the sending threads and this one: a thread reports each mail the server
    accepted and waits until it is recorded (by this thread, on its own database
    connection, so that the recording is part of whatever transaction it is in)."""

    def __init__(self):
        self.accepted = queue.SimpleQueue()
        self.stopped = threading.Event()

    def report(self, delivery: Delivery) -> bool:
        """Called by a sending thread; False once the round is stopped."""
        recorded = threading.Event()
        self.accepted.put((delivery, recorded))
        while not recorded.wait(0.5):
            if self.stopped.is_set():
                return False
        return not self.stopped.is_set()

    def record_until_done(self, shares, meanwhile) -> int:
        """Record accepted mails as they are reported (those reported together in one
        UPDATE) until every share has ended; between reports, take steps of
        ``meanwhile``. Returns how many were recorded."""
        recorded = 0
        idle = False
        try:
            # One cursor for the round: opening one for every few mails was a third of
            # what recording them cost.
            with db_connection.cursor() as cursor:
                while True:
                    reported = []
                    try:
                        reported.append(self.accepted.get(timeout=0.05 if idle else 0))
                        while True:
                            reported.append(self.accepted.get_nowait())
                    except queue.Empty:
                        pass
                    if reported:
                        record_sent(cursor, [delivery.pk for delivery, _ in reported])
                        recorded += len(reported)
                        for _, done in reported:
                            done.set()
                        continue
                    if all(share.done() for share in shares) and self.accepted.empty():
                        return recorded
                    if not idle:
                        idle = meanwhile is None or not meanwhile.step()  # else wait
        except BaseException:
            # Mails just accepted stay unrecorded (they may go twice); the threads stop
            # before their next mail, which stays pending.
            self.stopped.set()
            raise


def record_sent(cursor, delivery_pks: list[int]) -> None:
    """Write down accepted mails at once: they are what a restarted worker trusts.

    Plain SQL on the caller's cursor rather than a queryset's update: this runs once
    for every mail or two, and building the query was most of its cost.
    """
    ops = db_connection.ops
    marks = ", ".join(["%s"] * len(delivery_pks))
    update = (
        f"UPDATE {ops.quote_name(Delivery._meta.db_table)} SET status = %s, sent_at = %s"  # noqa: S608 - names from the model, values as parameters
        f" WHERE id IN ({marks})"
    )
    values = [Delivery.Status.SENT.value, ops.adapt_datetimefield_value(timezone.now()),
              *delivery_pks]  # fmt: skip
    if db_connection.vendor != "postgresql":
        cursor.execute(update, values)
        return
    with transaction.atomic():
        # Safe against a killed worker (the server has the rows at once); only a crash of
        # PostgreSQL itself in the next fraction of a second could lose them. Waiting for
        # the disk for every few mails would bound sending by fsync.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(update, values)


class Rounds:
    """The mailing's due deliveries, a round at a time in id order, made ready to send."""

    def __init__(self, mailing: Mailing, as_bytes: bool):
        self.mailing = mailing
        self.as_bytes = as_bytes
        if mailing.kind == Mailing.Kind.POST:
            self.content, self.posts = PostMail(mailing.post), None
        else:
            self.content = None
            self.posts = list(digest_posts(mailing).prefetch_related("topics"))
        self.last_pk = 0

    def next(self, size: int) -> list["Outgoing"] | None:
        """Up to ``size`` mails ready to send (readers who left are marked skipped);
        None when no due delivery is left."""
        return self.making(size).finish()

    def making(self, size: int) -> "RoundInMaking":
        return RoundInMaking(self, size)


class RoundInMaking:
    """The next round, made one mail at a time (``step``) or all at once (``finish``)."""

    def __init__(self, rounds: Rounds, size: int):
        self.rounds = rounds
        self.rows = list(
            rounds.mailing.deliveries.filter(status=Delivery.Status.PENDING,
                                             pk__gt=rounds.last_pk)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
            .select_related("subscriber")
            .order_by("pk")[:size]
        )  # fmt: skip
        if self.rows:
            rounds.last_pk = self.rows[-1].pk
        self.made = 0
        self.outgoing, self.skipped = [], []

    def step(self) -> bool:
        """Make one more mail; False when every one is made."""
        if self.made == len(self.rows):
            return False
        rounds, delivery = self.rounds, self.rows[self.made]
        item = prepare(rounds.mailing, delivery, rounds.content, rounds.posts, rounds.as_bytes)
        if item is None:
            self.skipped.append(delivery.pk)
        else:
            self.outgoing.append(item)
        self.made += 1
        return True

    def finish(self) -> list["Outgoing"] | None:
        """The whole round (readers who left are marked skipped); None when no due
        delivery was left."""
        if not self.rows:
            return None
        while self.step():
            pass
        if self.skipped:
            Delivery.objects.filter(pk__in=self.skipped).update(status=Delivery.Status.SKIPPED)
            self.skipped = []
        return self.outgoing


def prepare(mailing: Mailing, delivery: Delivery, content, posts, as_bytes: bool
            ) -> Outgoing | None:  # fmt: skip
    """The reader's mail for this delivery; None when it is not to be sent any more."""
    reader = delivery.subscriber
    if not reader.is_receiving:
        return None
    if content is None:
        mine = reader_posts(reader, posts)
        if not mine:
            return None
        return Outgoing(delivery, message=digest_message(mailing, reader, mine, delivery.reason))
    raw = content.raw_for(reader, delivery.reason) if as_bytes else None
    if raw is not None:
        return Outgoing(delivery, raw=raw, envelope_from=content.envelope_from)
    return Outgoing(delivery, message=content.message_for(reader, delivery.reason))


def send_share(mail_connection, items: list[Outgoing], pace: Pace, handshake: Handshake
               ) -> list[Result]:  # fmt: skip
    """Hand ``items`` to the server one after another on one connection (in a thread),
    each accepted one recorded before the next is handed over.

    Stops at a broken connection: the items after it are left pending, untouched.
    """
    results = []
    for item in items:
        pace.wait()
        try:
            hand_over(mail_connection, item)
        except Exception as error:  # noqa: BLE001 - every failure is recorded, none loses the mail
            code, text = failure_code(error)
            if code is None:
                results.append(Result(item.delivery, Outcome.BROKEN, text))
                mail_connection.close()  # the connection may be gone; the next turn reopens it
                break
            outcome = Outcome.FAILED if 500 <= code < 600 else Outcome.RETRY
            results.append(Result(item.delivery, outcome, f"{code} {text}"))
            continue
        results.append(Result(item.delivery, Outcome.SENT))
        if not handshake.report(item.delivery):
            break
    return results


def hand_over(mail_connection, item: Outgoing) -> None:
    """Send one mail: its finished bytes straight over Django's SMTP connection, when
    there are bytes and the backend is SMTP; otherwise Django's message through the backend.
    """
    if item.raw is not None:
        smtp = mail_connection.connection  # Django's SMTP backend, opened for the turn
        if smtp is None:
            raise smtplib.SMTPServerDisconnected("the connection was closed")
        # What the backend's own send does with a message's bytes, minus building them.
        smtp.sendmail(item.envelope_from, [item.delivery.subscriber.email], item.raw)
        return
    message = item.message
    message.connection = mail_connection
    if not mail_connection.send_messages([message]):
        raise smtplib.SMTPServerDisconnected("the mail backend did not send the message")


def record(results: list[Result]) -> None:
    """Write down the refusals of a round (accepted mails are recorded as they go)."""
    for delivery, outcome, error in results:
        if outcome is Outcome.FAILED:
            Suppression.add(delivery.subscriber.email, Suppression.Reason.BOUNCED, error)
            mark(delivery, Delivery.Status.FAILED, error=error[:2000],
                 attempts=delivery.attempts + 1)  # fmt: skip
        elif outcome in (Outcome.RETRY, Outcome.BROKEN):
            retry_later(delivery, error)


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
