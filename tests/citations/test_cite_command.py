"""`masthead cite --style ID [--format text|html] FILE`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ITEMS = [
    {
        "id": "z",
        "type": "post-weblog",
        "title": "Zebra Crossings Save Lives",
        "author": [{"family": "Zeller", "given": "Zoe"}],
        "container-title": "Cities Lab",
        "issued": {"date-parts": [[2024, 5, 1]]},
    },
    {
        "id": "a",
        "type": "book",
        "title": "Aqueducts",
        "author": [{"family": "Abara", "given": "Ama"}],
        "publisher": "Harbour University Press",
        "issued": {"date-parts": [[2019]]},
    },
]


def run_cite(*args, stdin=None):
    command = [sys.executable, "-m", "masthead.cli", "cite", *args]
    return subprocess.run(command, capture_output=True, text=True, input=stdin, timeout=120)


@pytest.fixture
def items_file(tmp_path) -> Path:
    path = tmp_path / "items.json"
    path.write_text(json.dumps(ITEMS), encoding="utf-8")
    return path


def test_cite_prints_one_entry_per_line_in_the_order_given(items_file):
    done = run_cite("--style", "apa", str(items_file))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Zeller, Z. (2024, May 1). Zebra Crossings Save Lives. Cities Lab.",
        "Abara, A. (2019). Aqueducts. Harbour University Press.",
    ]


def test_cite_prints_html_with_italics_when_asked(items_file):
    done = run_cite("--style", "modern-language-association", "--format", "html", str(items_file))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert "<em>Cities Lab</em>" in lines[0]
    assert lines[1].startswith("Abara, Ama. <em>Aqueducts</em>.")


def test_cite_explains_an_unknown_style_and_bad_input(items_file, tmp_path):
    done = run_cite("--style", "chicago-author-dat", str(items_file))
    assert done.returncode != 0
    assert "No CSL style called 'chicago-author-dat'" in done.stderr
    assert "chicago-author-date" in done.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "not a list"}', encoding="utf-8")
    done = run_cite("--style", "apa", str(bad))
    assert done.returncode != 0
    assert "must hold a JSON array" in done.stderr
