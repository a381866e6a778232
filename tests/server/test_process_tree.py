"""``masthead serve`` is one process tree: its children end with it, and it never starts twice.

Killed outright (SIGKILL, as the out-of-memory killer does), the serve process
cannot stop its Granian workers or its task worker; they notice by themselves
and stop within seconds, so nothing keeps answering on the port with old code.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

from harness.http import get, status_of

from .conftest import MASTHEAD


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def descendants_of(pid: int) -> set[int]:
    """Every process descended from ``pid`` (Linux /proc)."""
    parents = {
        int(e.name): parent_of(int(e.name)) for e in Path("/proc").iterdir() if e.name.isdigit()
    }
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return str(pid)


def answers(port: int) -> bool:
    try:
        return status_of(get(port, "/robots.txt", timeout=3)) == 200
    except (OSError, AssertionError):
        return False


def test_the_servers_workers_end_within_seconds_when_it_is_killed(new_site):
    site = new_site()
    port = site.serve("--workers", "2")  # with the task worker, as serve starts it
    serve = site.processes[-1]
    deadline = time.monotonic() + 120
    # Two Granian workers and the task worker (a spawning helper may sit between).
    while len(descendants_of(serve.pid)) < 3:
        assert time.monotonic() < deadline, f"children: {descendants_of(serve.pid)}"
        time.sleep(0.5)
    children = descendants_of(serve.pid)

    os.kill(serve.pid, signal.SIGKILL)
    serve.wait()
    killed_at = time.monotonic()
    while any(alive(pid) for pid in children) or answers(port):
        assert time.monotonic() - killed_at < 10, (
            f"still running 10 s after the serve process was killed: "
            f"{[command_of(pid) for pid in children if alive(pid)]}; answering: {answers(port)}"
        )
        time.sleep(0.25)


def test_a_second_serve_on_a_served_port_refuses_in_one_line(new_site):
    site = new_site()
    port = site.serve("--no-worker")
    second = subprocess.run(
        [MASTHEAD, "serve", "--port", str(port), "--no-worker", "--no-collectstatic"],
        env=site.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert second.returncode != 0
    message = second.stderr.strip()
    assert f"Port {port}" in message and "already served" in message
    assert len(message.splitlines()) == 1, message
    assert answers(port)
