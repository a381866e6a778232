"""A throwaway PostgreSQL server of a test's own, which the test may stop and start.

The suite's own PostgreSQL (``DATABASE_URL`` in the second phase of ``.ci/run``)
is shared by every test and must never be stopped; a test about surviving a
database restart starts this one instead: a fresh cluster in a temporary folder,
on a free loopback port, with no fsync (nothing here must outlive the test).
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from harness.caches import free_port


def postgresql_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is missing: the database-restart tests start a server of their own. "
            "Install it as root: apt-get install postgresql (make install-test does)."
        )
    return Path(found[-1]).parent


class ThrowawayPostgres:
    def __init__(self):
        self.bin = postgresql_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="masthead-pg-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            os.chown(self.folder, pwd.getpwnam("postgres").pw_uid, -1)
        self.data = self.folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/masthead"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)  # fmt: skip

    def start(self) -> "ThrowawayPostgres":
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                  "-o", options, "start")  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def create_database(self) -> str:
        maintenance = self.url.rsplit("/", 1)[0] + "/postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(maintenance, autocommit=True) as connection:
                    connection.execute("CREATE DATABASE masthead")
                return self.url
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
