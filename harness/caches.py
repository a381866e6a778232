"""Real cache servers for tests that must hold on every cache backend Masthead supports."""

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis on loopback, keeping nothing on disk; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is missing: the cache tests run against a real Redis. "
            "Install it as root: apt-get install redis-server (make install-test does)."
        )
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def every_stored_value(alias: str = "default") -> list[bytes]:
    """Every value a cache holds right now, as stored bytes, whatever the backend."""
    from django.core.cache import caches

    cache = caches[alias]
    backend = type(cache).__name__
    if backend == "LocMemCache":
        return [bytes(value) for value in cache._cache.values()]
    if backend == "RedisCache":
        client = cache._cache.get_client()
        return [client.get(key) or b"" for key in client.scan_iter("*")]
    raise NotImplementedError(f"No way to list the values of a {backend}")


class RestartableRedis:
    """A throwaway Redis on a fixed loopback port that can be stopped and started again.

    Nothing is kept on disk, so a restart is a Redis that lost everything, as one
    restarted without persistence (or evicting everything) is.
    """

    def __init__(self, port: int | None = None):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is missing: apt-get install redis-server")
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RestartableRedis":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> "RestartableRedis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
