"""Bad files end with one clear line and a database exactly as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from masthead.discussion.models import Thread
from tests.importers.conftest import database_state
from tests.importers.wxr_builder import comment, export, post

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0" xmlns:wp="https://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><title>&lol4;</title></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0" xmlns:wp="https://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><title>&secret;</title></channel></rss>
"""


@pytest.fixture
def already_imported(import_wxr):
    """A site that already holds one imported post, so "unchanged" means something."""
    import_wxr(export(post(1, "First Post", comments=[comment(5)])))
    return database_state()


def refused(import_wxr, text) -> str:
    with pytest.raises(CommandError) as raised:
        import_wxr(text)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_an_entity_expansion_bomb_is_refused_and_changes_nothing(import_wxr, already_imported):
    message = refused(import_wxr, BILLION_LAUGHS)
    assert "DTD" in message and "refused" in message
    assert database_state() == already_imported


def test_an_external_entity_is_refused_and_nothing_is_read_from_disk(import_wxr, already_imported):
    message = refused(import_wxr, EXTERNAL_ENTITY)
    assert "refused" in message
    assert "root:" not in message
    assert database_state() == already_imported


def test_a_truncated_export_says_so_and_changes_nothing(import_wxr, already_imported):
    whole = export(post(2, "Second Post"), post(3, "Third Post", comments=[comment(9)]))
    message = refused(import_wxr, whole[: int(len(whole) * 0.8)])
    assert "truncated" in message
    assert database_state() == already_imported


def test_malformed_xml_names_the_line(import_wxr, already_imported):
    broken = export(post(2, "Second Post")).replace("</wp:post_name>", "</wp:post_nam>")
    message = refused(import_wxr, broken)
    assert "not well-formed" in message and "line" in message
    assert database_state() == already_imported


def test_a_plain_rss_feed_is_not_mistaken_for_an_export(import_wxr, already_imported):
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<item><title>Hello</title></item></channel></rss>"
    )
    assert "not a WordPress export" in refused(import_wxr, feed)
    assert database_state() == already_imported


def test_an_html_page_is_not_an_export(import_wxr, already_imported):
    message = refused(import_wxr, "<html><body><p>Hello</p></body></html>")
    assert "not a WordPress export" in message
    assert database_state() == already_imported


def test_an_unsupported_version_is_refused_with_the_versions_that_are_read(
    import_wxr, already_imported
):
    message = refused(import_wxr, export(post(2, "Second Post"), version="2.0"))
    assert "version 2.0" in message and "1.0, 1.1, 1.2" in message
    assert database_state() == already_imported


def test_a_missing_file_is_one_line(import_wxr, tmp_path):
    with pytest.raises(CommandError) as raised:
        from django.core.management import call_command

        call_command("import_wxr", str(tmp_path / "nowhere.xml"))
    assert "cannot open" in str(raised.value)


def test_an_unknown_blog_is_refused_before_anything_is_written(import_wxr, already_imported):
    with pytest.raises(CommandError) as raised:
        import_wxr(export(post(2, "Second Post")), "--blog", "no-such-blog")
    assert "no blog “no-such-blog”" in str(raised.value)
    assert database_state() == already_imported


def test_a_failure_part_way_undoes_everything_written_before_it(
    import_wxr, already_imported, monkeypatch
):
    # Counting the second post's comments fails (as a database error would), after both
    # posts and all their comments were written: none of it may stay behind.
    real_recount = Thread.recount
    recounts = []

    def failing_recount(self, **options):
        recounts.append(self.post_id)
        if len(recounts) == 2:
            raise RuntimeError("disk full")
        return real_recount(self, **options)

    monkeypatch.setattr(Thread, "recount", failing_recount)
    text = export(
        post(2, "Second Post", comments=[comment(21), comment(22)]),
        post(3, "Third Post", comments=[comment(31)]),
    )
    message = refused(import_wxr, text)
    assert "Nothing was imported" in message and "disk full" in message
    assert database_state() == already_imported


def test_the_command_line_prints_one_line_and_exits_non_zero_without_a_traceback(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BILLION_LAUGHS)
    environment = {**os.environ, "MASTHEAD_DATA_DIR": str(tmp_path / "data")}
    environment.pop("DATABASE_URL", None)  # a throwaway SQLite site, whatever the suite runs on
    masthead = Path(sys.executable).parent / "masthead"
    subprocess.run([masthead, "migrate", "-v0"], env=environment, check=True)
    finished = subprocess.run(
        [masthead, "import_wxr", str(bomb)], env=environment, capture_output=True, text=True
    )
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "refused" in lines[0]


def test_pandoc_past_its_memory_limit_stops_the_import_in_one_line_and_changes_nothing(
    import_wxr, already_imported, settings
):
    settings.MASTHEAD_PANDOC_MEMORY_MB = 100
    message = refused(import_wxr, export(post(2, "Second Post")))
    assert "needed more than 100 MB of memory" in message
    assert "nothing was imported" in message
    assert database_state() == already_imported
