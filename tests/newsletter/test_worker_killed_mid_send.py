"""A worker killed (SIGKILL) mid-send, then started again: every reader gets the post once,
but for the mail in flight on each connection at the kill.

The real thing end to end: ``masthead db_worker`` as a child process on a migrated
SQLite file, the post published through the model in another process, and aiosmtpd
on the loopback counting what each address received.
"""

import asyncio
import collections
import os
import signal
import sqlite3
import time

from aiosmtpd.controller import Controller

from harness.caches import free_port
from tests.server.conftest import new_site  # noqa: F401 - the fixture

READERS = 300
# Sent side by side over 2 connections in rounds of 2 x 3 mails, each mail recorded once
# the server accepts it: a kill can leave at most one mail a connection unrecorded (the
# one the server had just accepted), and only those may arrive twice.
CONNECTIONS, BATCH = 2, 3
IN_FLIGHT = CONNECTIONS

PUBLISH = """
from django.utils import timezone
from masthead.newsletter.models import Subscriber
from masthead.publishing.models import Blog, Post
blog = Blog.objects.get(slug="energy")
Subscriber.objects.bulk_create(
    Subscriber(email=f"reader{{n}}@example.org", confirmed_at=timezone.now(),
               consent_source="test") for n in range({readers}))
for subscriber in Subscriber.objects.all():
    subscriber.blogs.add(blog)
post = Post.objects.create(blog=blog, title="Killed Mid-Send", slug="killed", body="Body.")
post.publish()
"""


class SlowCountingServer:
    """Accepts every mail after a short pause, so a send takes long enough to interrupt."""

    def __init__(self):
        self.received = collections.Counter()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(0.02)
        for address in envelope.rcpt_tos:
            self.received[address] += 1
        return "250 OK"


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_worker_killed_mid_send_and_restarted_delivers_each_mail_once(new_site):  # noqa: F811
    server = SlowCountingServer()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        site = new_site(
            MASTHEAD_EMAIL_HOST="127.0.0.1", MASTHEAD_EMAIL_PORT=str(controller.port),
            MASTHEAD_NEWSLETTER_LEASE_SECONDS="4",
            MASTHEAD_NEWSLETTER_CONNECTIONS=str(CONNECTIONS),
            MASTHEAD_NEWSLETTER_BATCH=str(BATCH),
        )  # fmt: skip
        site.shell(PUBLISH.format(readers=READERS))
        worker_args = ("db_worker", "--interval", "0.1", "--no-reload", "--no-startup-delay")
        worker = site.start("worker", *worker_args)
        assert wait_for(lambda: sum(server.received.values()) >= READERS // 3, 90), site.log(
            "worker"
        )[-3000:]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        at_kill = sum(server.received.values())
        time.sleep(1)
        # Nothing sends while it is dead (but what was already on the wire).
        assert sum(server.received.values()) <= at_kill + IN_FLIGHT
        assert at_kill < READERS, "the send finished before the kill: the test proved nothing"

        site.start("worker-again", *worker_args)
        everyone = {f"reader{n}@example.org" for n in range(READERS)}
        assert wait_for(lambda: set(server.received) >= everyone, 120), site.log("worker-again")

        time.sleep(1)  # anything sent twice would have arrived by now
        twice = {address: n for address, n in server.received.items() if n > 1}
        assert set(server.received) == everyone
        assert len(twice) <= IN_FLIGHT, twice  # at most one a connection, in flight at the kill
        assert all(n == 2 for n in twice.values()), twice
        with sqlite3.connect(site.database) as database:
            statuses = dict(database.execute(
                "SELECT status, COUNT(*) FROM newsletter_delivery GROUP BY status"
            ).fetchall())  # fmt: skip
            state = database.execute("SELECT state FROM newsletter_mailing").fetchone()[0]
        assert statuses == {"sent": READERS}
        assert state == "sent"
    finally:
        controller.stop()
