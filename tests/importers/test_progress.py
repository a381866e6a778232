"""Long imports show progress: a bar on a terminal, plain lines otherwise; then a summary."""

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.importers.wxr_builder import comment, export, post


def test_without_a_terminal_progress_is_plain_lines_then_a_summary_per_kind(import_wxr):
    output = import_wxr(export(post(1, "One", comments=[comment(1)]), post(2, "Two")))
    lines = output.splitlines()
    assert "importing: 2 of 2 items" in lines
    assert any(line.startswith("checking the export: ") for line in lines)
    assert "\x1b[" not in output  # no terminal escape codes in a log file
    summary = lines[lines.index("Imported export-1.xml (WXR 1.2):") + 1 :]
    kinds = [line for line in summary if not line.startswith(" ")]
    assert kinds[:3] == ["institution: 1 created", "blogs: 1 created", "authors: 1 created"]
    assert "posts: 2 created" in summary
    assert "comments: 1 created" in summary


def test_on_a_terminal_the_import_draws_a_progress_bar(tmp_path):
    export_file = tmp_path / "export.xml"
    export_file.write_text(export(post(1, "One"), post(2, "Two")))
    environment = {
        **os.environ, "MASTHEAD_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm",
        "COLUMNS": "120",
    }  # fmt: skip
    environment.pop("DATABASE_URL", None)  # a throwaway SQLite site, whatever the suite runs on
    masthead = Path(sys.executable).parent / "masthead"
    subprocess.run([masthead, "migrate", "-v0"], env=environment, check=True)
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [masthead, "import_wxr", str(export_file)], env=environment, stdout=terminal
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the command has finished
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=120) == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "━" in shown  # rich's bar
    assert "2/2 items" in shown
    assert "posts: 2 created" in shown
