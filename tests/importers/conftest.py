"""Running the importer the way a person does: ``masthead import_wxr`` on a file."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from masthead.discussion.models import Comment
from masthead.importers.models import ImportedAttachment, ImportedAuthor, ImportedPost
from masthead.publishing.models import Author, Blog, Post, Topic


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered comment pages are cached by post id, and ids repeat from test to test."""
    cache.clear()
    yield
    cache.clear()


class ImportRun:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.number = 0

    def file(self, text: str, name: str = "") -> str:
        self.number += 1
        path = self.tmp_path / (name or f"export-{self.number}.xml")
        path.write_text(text, encoding="utf-8")
        return str(path)

    def __call__(self, text: str, *args) -> str:
        """Import ``text`` as a file; returns what the command printed (summary)."""
        out = io.StringIO()
        call_command("import_wxr", self.file(text), *args, stdout=out)
        return out.getvalue()


@pytest.fixture
def import_wxr(db, tmp_path):
    return ImportRun(tmp_path)


def database_state() -> dict:
    """Every row an import can write, counted, so a test can see that nothing changed."""
    models = [Blog, Author, Topic, Post, Comment, ImportedPost, ImportedAuthor, ImportedAttachment]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def old_site(httpserver, settings, tmp_path):
    """A real HTTP server on the loopback interface standing in for the old WordPress site
    (pytest-httpserver); pictures land in this test's own media folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MASTHEAD_PRIVATE_MEDIA_ROOT = tmp_path / "media-private"
    return httpserver
