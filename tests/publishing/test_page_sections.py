"""The post page is composed from sections the installed apps contribute.

Publishing's templates load no higher app's tags: citations adds Cite and the
printed reference, discussion adds the discussion, through ``publishing.sections``.
"""

import os
import subprocess
import sys
from pathlib import Path

from masthead.publishing import sections

ROOT = Path(__file__).resolve().parents[2]


def test_citations_and_discussion_contribute_their_sections(client, published_post):
    html = client.get(published_post.get_absolute_url()).content.decode()
    assert 'href="/energy/batteries-alone/cite/"' in html  # Cite, from citations
    assert 'name="citation_title"' in html  # the metadata, from citations
    assert "Post a Comment" in html  # the discussion, from discussion


def test_every_place_is_used_by_publishing_templates():
    templates = ROOT / "masthead" / "publishing" / "templates" / "publishing"
    text = "".join(path.read_text() for path in templates.glob("*.html"))
    text += (ROOT / "masthead" / "templates" / "base.html").read_text()
    assert all(f'{{% sections "{place}" %}}' in text for place in sections.PLACES)


def test_a_post_renders_with_the_discussion_left_out_of_the_installed_apps(tmp_path):
    """In a process of its own: Django's app registry is set up once per process."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.publishing.without_discussion.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MASTHEAD_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    script = ROOT / "tests" / "publishing" / "without_discussion" / "render_a_post.py"
    done = subprocess.run(
        [sys.executable, str(script)], env=environment, cwd=tmp_path,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    status, html = done.stdout.split("\n", 1)
    assert status == "200"
    assert "Batteries Will Not Save the Grid Alone" in html
    assert 'href="/energy/batteries-alone/cite/"' in html  # citations is still installed
    assert "Post a Comment" not in html
    assert "Comments" not in html
