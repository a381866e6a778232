"""The background-task worker keeps running: through a locked database, and after it dies.

Tasks are what readers and commenters wait for (mails, citation styles asked
for on the cite page); here a style asked for is the task, and "it ran" is its
formatted reference stored for the post.
"""

import os
import signal
import sqlite3
import time
from pathlib import Path

import psycopg

QUEUE_A_STYLE = """
from masthead.citations.tasks import format_post_citations
format_post_citations.enqueue({post_id}, ["harvard-cite-them-right"])
"""


def hold_write_lock(database: Path, seconds: float) -> None:
    """Hold SQLite's write lock as a long import or a backup would."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        time.sleep(seconds)
        connection.execute("COMMIT")
    finally:
        connection.close()


def style_is_formatted(site) -> bool:
    with sqlite3.connect(site.database) as database:
        found = database.execute(
            "SELECT COUNT(*) FROM citations_formattedcitation WHERE post_id = ? AND style_id = ?",
            (site.post_id, "harvard-cite-them-right"),
        ).fetchone()[0]
    return found > 0


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has the file at ``path`` open (Linux /proc)."""
    try:
        return any(
            os.path.realpath(descriptor) == str(path.resolve())
            for descriptor in Path(f"/proc/{pid}/fd").iterdir()
        )
    except OSError:
        return False


def worker_children(parent_pid: int) -> list[int]:
    """The `masthead db_worker` processes whose parent is ``parent_pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if parent == parent_pid and b"db_worker" in command:
            found.append(int(entry.name))
    return found


def test_a_style_queued_after_the_database_was_locked_for_eight_seconds_is_still_formatted(
    new_site,
):
    # A busy timeout of one second: the worker meets "database is locked" early and often.
    site = new_site(MASTHEAD_SQLITE_TIMEOUT="1")
    worker = site.start("worker", "db_worker", "--interval", "0.2", "--no-reload",
                        "--no-startup-delay")  # fmt: skip
    # Once the worker has the database open it is polling the queue (on a busy machine
    # its start-up alone can take longer than the lock is held).
    assert wait_for(lambda: has_open(worker.pid, site.database), 120), site.log("worker")
    time.sleep(1)
    assert worker.poll() is None, site.log("worker")
    hold_write_lock(site.database, 8)
    assert worker.poll() is None, f"the worker exited:\n{site.log('worker')[-3000:]}"
    assert "database is locked" in site.log("worker"), "the lock never reached the worker"

    site.shell(QUEUE_A_STYLE.format(post_id=site.post_id))
    assert wait_for(lambda: style_is_formatted(site), 60), site.log("worker")[-3000:]
    assert worker.poll() is None


def test_a_worker_that_dies_is_restarted_by_serve_which_says_so(new_site):
    site = new_site()
    site.serve("--no-collectstatic")
    server = site.processes[-1]
    assert wait_for(lambda: len(worker_children(server.pid)) == 1, 30), site.log("serve")
    (first_worker,) = worker_children(server.pid)

    os.kill(first_worker, signal.SIGKILL)
    assert wait_for(lambda: worker_children(server.pid) not in ([], [first_worker]), 30), site.log(
        "serve"
    )
    log = site.log("serve")
    assert f"The background-task worker (pid {first_worker}) was killed by SIGKILL" in log
    (second_worker,) = worker_children(server.pid)
    assert f"running again (pid {second_worker})" in log

    # The new worker does the work.
    site.shell(QUEUE_A_STYLE.format(post_id=site.post_id))
    assert wait_for(lambda: style_is_formatted(site), 60), site.log("serve")[-3000:]


def niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_the_worker_beside_serve_gives_way_to_the_web_server_for_the_cpu(new_site):
    """A newsletter to many readers keeps the worker busy; readers' pages must come first."""
    site = new_site()
    site.serve("--no-collectstatic")
    server = site.processes[-1]
    assert wait_for(lambda: len(worker_children(server.pid)) == 1, 30), site.log("serve")
    (worker,) = worker_children(server.pid)
    assert wait_for(lambda: niceness(worker) > niceness(server.pid), 30), (
        niceness(worker),
        niceness(server.pid),
    )


def test_serve_stops_its_worker_when_it_stops(new_site):
    site = new_site()
    site.serve("--no-collectstatic")
    server = site.processes[-1]
    assert wait_for(lambda: len(worker_children(server.pid)) == 1, 30), site.log("serve")
    (worker,) = worker_children(server.pid)

    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    assert wait_for(lambda: not Path(f"/proc/{worker}").exists(), 15), "the worker was left running"
    assert "starting it again" not in site.log("serve")


def test_a_style_queued_after_postgresql_restarted_under_the_worker_is_still_formatted(new_site):
    """A separate ``masthead db_worker`` rides out a restart of its PostgreSQL server."""
    from harness.databases import ThrowawayPostgres

    postgres = ThrowawayPostgres().start()
    try:
        site = new_site(DATABASE_URL=postgres.create_database(), PYTHONUNBUFFERED="1")
        worker = site.start("worker", "db_worker", "--interval", "0.2", "--no-reload",
                            "--no-startup-delay")  # fmt: skip
        # Started (on a busy machine Django alone can take ten seconds), and polling.
        assert wait_for(lambda: "Starting worker" in site.log("worker"), 120), site.log("worker")
        time.sleep(1)
        assert worker.poll() is None, site.log("worker")

        postgres.stop()
        time.sleep(4)  # the worker looks for tasks every 0.2 s: it meets the database gone
        assert worker.poll() is None, f"the worker exited:\n{site.log('worker')[-3000:]}"
        assert "database is unreachable" in site.log("worker")
        postgres.start()

        site.shell(QUEUE_A_STYLE.format(post_id=site.post_id))

        def formatted() -> bool:
            with psycopg.connect(postgres.url) as connection:
                return (
                    connection.execute(
                        "SELECT COUNT(*) FROM citations_formattedcitation "
                        "WHERE post_id = %s AND style_id = %s",
                        (site.post_id, "harvard-cite-them-right"),
                    ).fetchone()[0]
                    > 0
                )

        assert wait_for(formatted, 90), site.log("worker")[-3000:]
        assert worker.poll() is None
    finally:
        for process in site.processes if "site" in locals() else []:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        postgres.remove()
