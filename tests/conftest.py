"""Shared personas and content for the suite: one institution, two blogs, people and posts.

Tests read as sentences about these: ``published_post`` is public,
``draft_post`` and ``scheduled_post`` are not (yet).
"""

import datetime
import io
import json
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import is_hypothesis_test
from hypothesis import settings as hypothesis_settings
from PIL import Image

from masthead.citations import engine
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

# No per-example deadline: speed is measured by bench/, and on a shared machine under
# load a deadline fails examples that are merely slow (one took 645 ms against 200).
hypothesis_settings.register_profile("masthead", deadline=None)
# In CI the generated examples are the same on every run (a failure there can be
# reproduced from the log), and no example database is written to the checkout.
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("masthead"), derandomize=True,
    database=None, print_blob=True,
)  # fmt: skip
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "masthead")


# Fixtures that start a real server process (masthead serve, nginx, Redis, SMTP): a test
# using one is a "server" test, whatever module it is in. Modules that start servers
# themselves say so with `pytestmark = pytest.mark.server`.
SERVER_FIXTURES = {"server", "new_site"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark what the inner loop leaves out, and keep shared fixtures on one worker.

    Runs before pytest's own -m selection and pytest-xdist's grouping read the marks.
    """
    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.fuzz)
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)
        group = shared_fixture_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    refuse_committing_tests_without_serialized_rollback(config, items)


def shared_fixture_group(item) -> str | None:
    """The place whose tests share a costly fixture (a server, a browser), if any.

    Under ``pytest -n`` (``--dist loadgroup``) the tests of one group run on one
    worker, so a module- or session-scoped fixture the suite defines is set up once,
    not once per worker; every other test goes to whichever worker is free.
    """
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    widest = None
    for definitions in info.name2fixturedefs.values():
        for definition in definitions:
            # Only the suite's own fixtures below its root: pytest's and pytest-django's have
            # no baseid, and the root's (this file's) are shared by every test anyway.
            if definition.scope == "function" or definition.baseid in ("", "tests"):
                continue
            place = definition.baseid if definition.scope != "module" else item.nodeid
            place = place.split("::")[0]
            if widest is None or len(place) < len(widest):
                widest = place
    return widest


def refuse_committing_tests_without_serialized_rollback(config, items):
    """A test that commits must put the database back as the later tests expect it.

    Such a test ends with a flush, and Django's post_migrate then creates the content
    types and permissions afresh under new ids; the next test that restores the
    serialized database (the browser and server tests) then fails on every one of
    them, far from the test that caused it. So the suite refuses the mix at once.
    """
    missing = [
        item
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if not missing:
        return
    message = (
        "Mark these django_db(transaction=True, serialized_rollback=True), as the "
        "suite's other committing tests are:\n  " + "\n  ".join(item.nodeid for item in missing)
    )
    if not hasattr(config, "workerinput"):
        raise pytest.UsageError(message)
    # In a pytest-xdist worker a UsageError reaches the terminal as a crash without its
    # words. There the run is cut down to the refused tests, each failing with them.
    config.hook.pytest_deselected(items=[item for item in items if item not in missing])
    items[:] = missing
    for item in missing:
        item.runtest = lambda: pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def pandoc_runs_once_per_input():
    """pandoc formats the same items in the same style once per process, not once per test.

    Saving a published post formats its references in four styles, four pandoc runs;
    most tests save the same fixture posts, so the suite asked pandoc the same questions
    thousands of times. The answer depends only on the items and the style file (the
    key); a different input still runs pandoc, so the engine's own tests are unchanged.
    """
    real = engine.format_bibliography
    answers = {}

    def remembered(items, style):
        stat = style.path.stat()
        key = (json.dumps(items, sort_keys=True), str(style.path), stat.st_mtime_ns, stat.st_size)
        if key not in answers:
            answers[key] = real(items, style)
        return list(answers[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "format_bibliography", remembered)
        yield


def _only_the_test_cases_transactions(connection) -> bool:
    return all(block._from_testcase for block in connection.atomic_blocks)


@pytest.fixture(autouse=True)
def changes_delivered_at_the_commits_a_site_would_make(monkeypatch):
    """What a change sets off (``masthead.changes``) follows the site's own commits.

    Django runs each test inside transactions of its own that never commit, so the
    consumers, which run after a commit, would never hear of a change. Here those
    transactions count for what they stand in for, the database's autocommit: a save
    outside any transaction the code opened is delivered at once, one inside is
    delivered when the code's outermost transaction ends without error (its commit on
    a real site). Other ``on_commit`` hooks are left as Django's tests run them.
    A test that commits for real (``transaction=True``) has no such transactions.
    """
    from django.db import transaction

    from masthead import changes

    def in_transaction(connection) -> bool:
        return connection.in_atomic_block and not _only_the_test_cases_transactions(connection)

    leave = transaction.Atomic.__exit__

    def leave_and_deliver(atomic, exc_type, exc_value, traceback):
        result = leave(atomic, exc_type, exc_value, traceback)
        connection = transaction.get_connection(atomic.using)
        pending = getattr(connection, "masthead_pending_changes", None)
        if (
            pending is not None
            and exc_type is None
            and not atomic._from_testcase
            and connection.atomic_blocks
            and _only_the_test_cases_transactions(connection)
            and not connection.needs_rollback
        ):
            pending.deliver()
        return result

    monkeypatch.setattr(changes, "_in_transaction", in_transaction)
    monkeypatch.setattr(transaction.Atomic, "__exit__", leave_and_deliver)


@pytest.fixture(autouse=True)
def site_at_the_test_clients_address(settings):
    """The site is where the test client asks (http://testserver), as a deployment's
    MASTHEAD_SITE_URL names where readers reach it; tests about another address set it."""
    settings.MASTHEAD_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def empty_caches():
    """Every test meets the caches empty, as a newly started server does.

    The database is rolled back after each test, so the next one reuses its ids: a
    fragment cached under "post 1, thread version 2" by one test would otherwise be
    read by the next test's different post 1.
    """
    from masthead.pagecache import reset

    reset()
    cache.clear()
    yield
    reset()
    cache.clear()


@pytest.fixture
def institution(db):
    return Institution.objects.create(
        name="Harbour Institute for Public Affairs",
        short_name="Harbour Institute",
        url="https://harbour.example.org",
        tagline="Independent analysis of public affairs",
        comment_guidelines="Be civil. Stay on topic. No personal attacks.",
    )


@pytest.fixture
def blog(institution):
    return Blog.objects.create(
        name="Energy Desk",
        slug="energy",
        tagline="Experts give their take on the energy transition",
    )


@pytest.fixture
def other_blog(institution):
    return Blog.objects.create(
        name="Cities Lab", slug="cities", tagline="Experts give their take on urban life"
    )


@pytest.fixture
def ada(db):
    return Author.objects.create(
        display_name="Ada Okafor", given_name="Ada", family_name="Okafor", slug="ada-okafor",
        role="Senior Fellow", bio="Ada studies electricity markets.",
    )  # fmt: skip


@pytest.fixture
def ben(db):
    return Author.objects.create(
        display_name="Ben van der Berg", given_name="Ben", family_name="van der Berg",
        slug="ben-van-der-berg", role="Research Associate",
    )  # fmt: skip


@pytest.fixture
def research_team(db):
    return Author.objects.create(
        display_name="Harbour Energy Team", is_institutional=True, slug="energy-team"
    )


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Grid Storage", slug="grid-storage")


def illustrate(post, *, alt, caption, credit, size=(64, 36), colour="#14365d"):
    """Give ``post`` a featured image made here, with its alt text, caption and credit."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    post.featured_image = SimpleUploadedFile(f"{post.slug}.jpg", buffer.getvalue())
    post.image_alt, post.image_caption, post.image_credit = alt, caption, credit
    post.save()
    return post


def make_post(blog, authors, *, title, status=Post.Status.PUBLISHED, publish_at=None, **fields):
    post = Post.objects.create(
        blog=blog,
        title=title,
        status=status,
        publish_at=publish_at,
        body=fields.pop("body", f"Body of **{title}**."),
        **fields,
    )
    for position, author in enumerate(authors):
        PostAuthor.objects.create(post=post, author=author, position=position)
    return post


@pytest.fixture
def published_post(blog, ada, ben, topic):
    post = make_post(
        blog, [ada, ben],
        title="Batteries Will Not Save the Grid Alone",
        slug="batteries-alone",
        publish_at=timezone.now() - datetime.timedelta(days=3),
        summary="Storage helps, but transmission matters more.",
        body="## Why storage is not enough\n\nStorage shifts power in *time*; lines in space.",
    )  # fmt: skip
    post.topics.add(topic)
    return post


@pytest.fixture
def draft_post(blog, ada):
    return make_post(blog, [ada], title="Unfinished Thoughts on Tariffs", slug="tariffs",
                     status=Post.Status.DRAFT)  # fmt: skip


@pytest.fixture
def scheduled_post(blog, ada):
    return make_post(
        blog, [ada], title="Next Week's Auction Preview", slug="auction-preview",
        status=Post.Status.SCHEDULED, publish_at=timezone.now() + datetime.timedelta(days=2),
    )  # fmt: skip


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", "editor@harbour.example.org", "correct horse battery staple",
        is_staff=True, is_superuser=True,
    )  # fmt: skip


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
