"""Pandoc, run with a bound on its time and its memory: the one way Masthead starts it.

Pandoc reads what others wrote (Word files, WordPress exports, reference data), and
some input makes it work for minutes and take gigabytes. Each run therefore gets a
wall-clock timeout (the child is killed when it passes) and, in the child itself
before pandoc starts, an address-space limit and a CPU-seconds limit
(``resource.setrlimit``), so a hostile file fails fast instead of starving the
machine. Pandoc's runtime reserves address space lazily and falls back when a
reservation is refused, so the limit is the memory it can actually use.
"""

import resource
import subprocess
from collections.abc import Sequence

import pypandoc
from django.conf import settings


class PandocError(RuntimeError):
    """Pandoc did not finish: it failed, ran out of time, or hit its memory limit."""


def _limits(memory_bytes: int, cpu_seconds: int):
    def apply() -> None:
        # Runs in the child between fork and exec: only plain system calls here.
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    return apply


def run_pandoc(
    arguments: Sequence[str],
    *,
    input_text: str = "",
    timeout: float | None = None,
    memory_bytes: int | None = None,
) -> str:
    """Pandoc's standard output for ``arguments``; ``PandocError`` with a short reason."""
    timeout = timeout or settings.MASTHEAD_PANDOC_SECONDS
    memory_bytes = memory_bytes or settings.MASTHEAD_PANDOC_MEMORY_MB * 2**20
    command = [pypandoc.get_pandoc_path(), *arguments]
    try:
        done = subprocess.run(
            command,
            input=input_text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            preexec_fn=_limits(memory_bytes, int(timeout) + 1),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PandocError(f"it took longer than {timeout:g} seconds") from None
    except OSError as error:
        raise PandocError(f"pandoc could not start: {error.strerror or error}") from None
    if done.returncode != 0:
        errors = done.stderr.strip()
        if done.returncode < 0 or "out of memory" in errors.lower() or "heap" in errors.lower():
            raise PandocError(
                f"it needed more than {memory_bytes // 2**20} MB of memory or "
                f"{int(timeout) + 1} seconds of processor time"
            )
        last_line = errors.splitlines()[-1] if errors else f"exit status {done.returncode}"
        raise PandocError(last_line[:300])
    return done.stdout
