"""Progress for long imports: a bar on a terminal (rich), a few plain lines otherwise."""

import time
from contextlib import contextmanager


class _CountingReader:
    """A binary file that reports how far it has been read."""

    def __init__(self, handle, on_read):
        self._handle = handle
        self._on_read = on_read

    def read(self, size=-1):
        data = self._handle.read(size)
        self._on_read(len(data))
        return data


class PlainProgress:
    """One line per step and roughly every tenth of the work (or every 30 s) in between."""

    def __init__(self, write):
        self._write = write
        self._last: tuple[str, int] = ("", -1)
        self._last_time = 0.0

    def _report(self, label: str, done: int, total: int, unit: str) -> None:
        share = int(10 * done / total) if total else 10
        now = time.monotonic()
        if (label, share) != self._last or now - self._last_time > 30:
            self._last, self._last_time = (label, share), now
            self._write(f"{label}: {done:,} of {total:,} {unit}")

    def scanner(self, total_bytes: int):
        read = 0

        def wrap(handle):
            def on_read(count):
                nonlocal read
                read += count
                self._report("checking the export", read, total_bytes, "bytes")

            return _CountingReader(handle, on_read)

        return wrap

    def items(self, done: int, total: int) -> None:
        self._report("importing", done, total, "items")


@contextmanager
def terminal_progress(console_file):
    """A rich progress bar with the two passes as two tasks."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=console_file)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[figures]}"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:
        yield _RichProgress(bar)


class _RichProgress:
    def __init__(self, bar):
        self._bar = bar
        self._items_task = None

    def scanner(self, total_bytes: int):
        task = self._bar.add_task("checking the export", total=total_bytes, figures="")

        def wrap(handle):
            def on_read(count):
                self._bar.advance(task, count)
                done = self._bar.tasks[task].completed
                self._bar.update(task, figures=f"{done / 1e6:,.1f}/{total_bytes / 1e6:,.1f} MB")

            return _CountingReader(handle, on_read)

        return wrap

    def items(self, done: int, total: int) -> None:
        if self._items_task is None:
            self._items_task = self._bar.add_task("importing", total=total, figures="")
        self._bar.update(self._items_task, completed=done, figures=f"{done:,}/{total:,} items")
