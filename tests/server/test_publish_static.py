"""`masthead publish_static DIR`: the public site as files nginx serves, kept current."""

import datetime
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from harness.http import exchange, get, status_of
from harness.nginx import start_nginx, stop
from masthead.discussion.models import Comment
from masthead.static_site.writer import StaticSite
from tests.conftest import make_post
from tests.server.conftest import MASTHEAD
from tests.server.test_worker import wait_for

SITE_URL = "https://news.example.org"
FORM_TIMESTAMP = re.compile(rb'name="started" value="[^"]*"')


@pytest.fixture
def static_settings(settings, tmp_path):
    settings.MASTHEAD_SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.org"]
    settings.STATIC_ROOT = tmp_path / "collected"
    return settings


def app_bytes(url: str) -> bytes:
    response = Client(HTTP_HOST="news.example.org").get(url, secure=True)
    assert response.status_code == 200, url
    return response.content


def without_form_timestamp(body: bytes) -> bytes:
    return FORM_TIMESTAMP.sub(b"", body)


def test_publishing_once_writes_each_public_page_feed_and_export_with_the_bytes_the_app_serves(
    static_settings, tmp_path, published_post, other_blog, draft_post
):
    comment = Comment.objects.create(
        post=published_post, author_name="Rosa Lind", email="rosa@example.org",
        body="Pumped hydro needs valleys.",
    )  # fmt: skip
    comment.approve()
    folder = tmp_path / "site"
    call_command("publish_static", str(folder), "--once")
    post = "/energy/batteries-alone/"
    files = {
        "/": "index.html",
        "/energy/": "energy/index.html",
        "/cities/": "cities/index.html",
        post: "energy/batteries-alone/index.html",
        f"{post}cite/": "energy/batteries-alone/cite/index.html",
        f"{post[:-1]}/cite.bib": "energy/batteries-alone/cite.bib",
        f"{post[:-1]}/cite.ris": "energy/batteries-alone/cite.ris",
        f"{post[:-1]}/cite.json": "energy/batteries-alone/cite.json",
        "/energy/batteries-alone.pdf": "energy/batteries-alone.pdf",
        "/feed/": "feed/index.atom",
        "/energy/feed/rss/": "energy/feed/rss/index.rss",
        "/feed/json/": "feed/json/index.feedjson",
        "/authors/ada-okafor/": "authors/ada-okafor/index.html",
        "/topics/grid-storage/": "topics/grid-storage/index.html",
        "/archive/": "archive/index.html",
        "/sitemap.xml": "sitemap.xml",
        "/robots.txt": "robots.txt",
    }
    for url, name in files.items():
        written = (folder / name).read_bytes()
        assert without_form_timestamp(written) == without_form_timestamp(app_bytes(url)), url
    assert b"Pumped hydro needs valleys." in (folder / files[post]).read_bytes()
    assert (folder / "static" / "masthead").is_dir()
    assert not (folder / "energy" / "tariffs").exists(), "a draft has no files"


def test_publishing_once_again_rewrites_nothing_when_nothing_changed(
    static_settings, tmp_path, published_post
):
    folder = tmp_path / "site"
    call_command("publish_static", str(folder), "--once")
    before = {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}
    call_command("publish_static", str(folder), "--once")
    after = {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}
    assert after == before


def test_a_post_change_rewrites_its_own_sitemap_section_and_the_index_not_the_others(
    static_settings, tmp_path, blog, ada, editor
):
    static_settings.MASTHEAD_SITEMAP_LIMIT = 2
    start = timezone.now() - datetime.timedelta(days=30)
    posts = [make_post(blog, [ada], title=f"Note {n}", slug=f"note-{n}",
                       publish_at=start + datetime.timedelta(days=n))
             for n in range(6)]  # fmt: skip
    site = StaticSite(tmp_path / "site")
    site.publish_everything(assets=False)
    sections = {post.pk: tmp_path / "site" / f"sitemap-posts-{(post.pk - 1) // 2 + 1}.xml"
                for post in posts}  # fmt: skip
    assert all(path.exists() for path in sections.values())
    index = tmp_path / "site" / "sitemap.xml"
    assert b"<sitemapindex" in index.read_bytes()
    before = {path: path.stat().st_mtime_ns for path in set(sections.values())}

    withdrawn = posts[2]
    withdrawn.withdraw(by=editor, note="A figure to check.")
    rendered = site.publish_subjects([f"post:{withdrawn.pk}"])

    own = sections[withdrawn.pk]
    # Only its own section is rendered again (each one costs a render, written or not).
    assert {owner for owner in rendered if owner.startswith("sitemap:")} == {
        f"sitemap:{own.stem.removeprefix('sitemap-posts-')}"
    }
    assert withdrawn.slug.encode() not in own.read_bytes()
    assert own.read_bytes() == app_bytes(f"/{own.name}")
    assert index.read_bytes() == app_bytes("/sitemap.xml")
    for path, mtime in before.items():
        if path != own:
            assert path.stat().st_mtime_ns == mtime, f"{path.name} was written again"


def test_a_post_withdrawn_leaves_its_listings_even_when_its_references_change_is_read_first(
    static_settings, tmp_path, published_post, editor
):
    # Withdrawing a post also re-formats its references, a change recorded apart from
    # the post's own; the watcher may read that one first, in a poll of its own.
    site = StaticSite(tmp_path / "site")
    site.publish_everything(assets=False)
    listing = tmp_path / "site" / "energy" / "index.html"
    assert published_post.title.encode() in listing.read_bytes()

    published_post.withdraw(by=editor, note="A figure to check.")
    site.publish_subjects([f"cite:{published_post.pk}"])
    assert not (tmp_path / "site" / "energy" / published_post.slug).exists()
    site.publish_subjects([f"post:{published_post.pk}"])

    assert published_post.title.encode() not in listing.read_bytes()
    assert listing.read_bytes() == app_bytes("/energy/")


def test_keeping_a_folder_current_is_refused_unless_changes_are_recorded(settings, tmp_path):
    settings.MASTHEAD_STATIC_PUBLISHING = False
    with pytest.raises(Exception, match="MASTHEAD_STATIC_PUBLISHING"):
        call_command("publish_static", str(tmp_path / "site"))


SETUP = """
import datetime
from django.utils import timezone
from masthead.discussion.models import Comment
from masthead.publishing.models import Blog, Post
energy = Post.objects.get(slug="grid-storage")
Comment.objects.create(post=energy, author_name="Rosa Lind", email="rosa@example.org",
                       body="Pumped hydro needs valleys.")
cities = Blog.objects.create(name="Cities Lab", slug="cities", tagline="Urban life")
Post.objects.create(blog=cities, title="Bus lanes", slug="bus-lanes", status="published",
                    body="Paint is cheap.", publish_at=timezone.now() - datetime.timedelta(days=2))
"""


def seconds_until(condition, limit: float = 2.0) -> float:
    """Seconds until ``condition()`` holds; fails once ``limit`` has passed."""
    started = time.monotonic()
    assert wait_for(condition, limit), f"not within {limit} s"
    return time.monotonic() - started


def contains(path: Path, text: str) -> bool:
    try:
        return text in path.read_text()
    except FileNotFoundError:
        return False


def test_a_running_publisher_carries_changes_made_by_another_process_into_the_folder_within_two_seconds(  # noqa: E501
    new_site, tmp_path
):
    site = new_site(MASTHEAD_STATIC_PUBLISHING="1")
    site.shell(SETUP)
    folder = tmp_path / "site"
    site.start("publish_static", "publish_static", str(folder))
    assert wait_for(lambda: "watching" in site.log("publish_static"), 240), site.log(
        "publish_static"
    )
    post_page = folder / "energy/grid-storage/index.html"
    untouched = [folder / "cities/bus-lanes/index.html", folder / "cities/index.html",
                 folder / "energy/grid-storage.pdf"]  # fmt: skip
    mtimes = [path.stat().st_mtime_ns for path in untouched]
    assert not contains(post_page, "Pumped hydro needs valleys.")

    # A moderator approves the comment (in another process, as the app server would).
    site.shell("from masthead.discussion.models import Comment; Comment.objects.get().approve()")
    seconds_until(lambda: contains(post_page, "Pumped hydro needs valleys."))
    assert [path.stat().st_mtime_ns for path in untouched] == mtimes

    # An editor publishes a post: its page, its blog and the site's feed have it.
    site.shell(
        "from django.utils import timezone; from masthead.publishing.models import Blog, Post;"
        "Post.objects.create(blog=Blog.objects.get(slug='energy'), title='Tidal power',"
        " slug='tidal-power', status='published', body='Moon-driven.', publish_at=timezone.now())"
    )
    seconds_until(lambda: (folder / "energy/tidal-power/index.html").exists()
                  and contains(folder / "energy/index.html", "Tidal power")
                  and contains(folder / "feed/index.atom", "Tidal power"))  # fmt: skip
    assert untouched[0].stat().st_mtime_ns == mtimes[0]

    # Unpublished: its files go, and the listings drop it.
    site.shell(
        "from masthead.publishing.models import Post;"
        "post = Post.objects.get(slug='tidal-power'); post.status = 'draft'; post.save()"
    )
    seconds_until(lambda: not (folder / "energy/tidal-power").exists()
                  and not contains(folder / "energy/index.html", "Tidal power"))  # fmt: skip

    # The scheduled post appears at its time, with nobody saving anything.
    publish_at = float(site.shell(
        "import datetime; from django.utils import timezone;"
        "from masthead.publishing.models import Blog, Post;"
        "post = Post.objects.create(blog=Blog.objects.get(slug='energy'), title='Auction preview',"
        " slug='auction-preview', status='scheduled', body='Bids are in.',"
        " publish_at=timezone.now() + datetime.timedelta(seconds=15));"
        "print(post.publish_at.timestamp())"
    ).split()[-1])  # fmt: skip
    scheduled_page = folder / "energy/auction-preview/index.html"
    while time.time() < publish_at - 0.3:
        assert not scheduled_page.exists(), "not before its time"
        time.sleep(0.1)
    wait_for(lambda: time.time() >= publish_at, 1)
    seconds_until(scheduled_page.exists)


def test_nginx_with_the_deployed_config_serves_the_folder_and_passes_comment_posts_to_the_app(
    new_site, tmp_path
):
    site = new_site()
    app_port = site.serve("--no-worker")
    folder = tmp_path / "site"
    subprocess.run([MASTHEAD, "publish_static", "--once", str(folder)], env=site.env,
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    workdir = tmp_path / "nginx"
    workdir.mkdir()
    nginx, port = start_nginx(workdir, root=folder, app_ports=[app_port], media=site.data_dir)
    try:
        head, body = get(port, "/energy/grid-storage/").split(b"\r\n\r\n", 1)
        assert status_of(head) == 200
        assert b"content-type: text/html; charset=utf-8" in head.lower()
        assert body == (folder / "energy/grid-storage/index.html").read_bytes()
        feed_head = get(port, "/feed/").split(b"\r\n\r\n", 1)[0].lower()
        assert b"content-type: application/atom+xml; charset=utf-8" in feed_head
        # What nginx answers is the folder's file, whatever the app would say.
        (folder / "archive/index.html").write_text("<p>from the folder</p>")
        assert get(port, "/archive/").endswith(b"<p>from the folder</p>")

        started = re.search(rb'name="started" value="([^"]*)"', body).group(1).decode()
        form = urlencode({"author_name": "Rosa Lind", "email": "rosa@example.org",
                          "body": "Pumped hydro needs valleys.", "started": started,
                          "website": ""})  # fmt: skip
        request = (
            f"POST /comments/{site.post_id}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n{form}"
        )
        answer = exchange(port, request.encode())
        # The app takes it and sends the commenter to the comment's status page.
        assert status_of(answer) in (200, 302, 303), answer[:300]
        stored = site.shell(
            "from masthead.discussion.models import Comment; print(Comment.objects.count())"
        )
        assert stored.split()[-1] == "1"
        assert status_of(get(port, "/moderation/")) == 302, "the moderation queue is the app's"
    finally:
        stop(nginx)


def test_the_nginx_config_gives_each_published_extension_the_content_type_the_app_sends():
    from masthead.static_site.writer import CONTENT_TYPES, EXACT_CONTENT_TYPES

    config = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    types_block = re.search(r"types \{([^}]*)\}", config).group(1)
    served = {extension: kind for kind, extension in re.findall(r"(\S+) (\w+);", types_block)}
    assert served == CONTENT_TYPES
    for path, kind in EXACT_CONTENT_TYPES.items():
        location = re.search(
            rf"location = {re.escape(path)} \{{(.*?)\n            \}}", config, re.S
        )
        assert f"default_type {kind};" in location.group(1), path
