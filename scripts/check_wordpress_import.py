"""Import the WordPress theme unit test export into a fresh SQLite site and check the counts.

    python scripts/check_wordpress_import.py [FILE]

FILE defaults to ../shared/data/wordpress/themeunittestdata.wordpress.xml (CI clones the
project beside shared/). The expected figures are counted twice: from the file itself
(a plain read of the XML, independent of the importer) and from what the import made,
and both must equal the figures the issue states for this export. Pages are imported as
standing pages with their hierarchy, and the menus that link pages become the header and
footer menus. Then the same file is imported again (nothing may be created) and every
public post's and page's old address is followed.
A clone without shared/ has no such file: the check says so and passes.
"""

import os
import resource
import sys
import tempfile
import time
import warnings
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "wordpress" / "themeunittestdata.wordpress.xml"

# The theme unit test export, as its maintainers describe it (and the issue repeats).
EXPECTED = {
    "posts": 58,
    "posts published in WordPress": 56,
    "of them password-protected": 1,
    "posts scheduled": 1,
    "posts draft": 1,
    "public posts": 55,
    "approved comments on posts": 23,
    "held comments on posts": 1,
    "pingbacks": 2,
    "trackbacks": 2,
    "pages": 21,
    "approved comments on pages": 3,
    "held comments on pages": 2,
    "attachments": 37,
    "menu items": 70,
}


def pages_in_the_file(path: Path) -> list[dict]:
    """Each page's id, title, parent id and old link path, read straight from the XML."""
    from urllib.parse import unquote, urlsplit

    pages = []
    for item in ElementTree.parse(path).getroot().iter("item"):  # noqa: S314
        fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in item}
        if fields.get("post_type") != "page":
            continue
        link = unquote(urlsplit(fields.get("link", "")).path)
        while "//" in link:
            link = link.replace("//", "/")
        pages.append({
            "id": int(fields["post_id"]), "title": fields.get("title", "").strip(),
            "parent": int(fields.get("post_parent") or 0), "link": link,
            "published": fields.get("status") == "publish" and not fields.get("post_password"),
        })  # fmt: skip
    return pages


def counted_from_the_file(path: Path) -> dict:
    """The figures read straight from the XML with the standard library, not the importer."""
    counts = Counter()
    # The file is trusted test data from the WordPress project; this read is independent.
    for item in ElementTree.parse(path).getroot().iter("item"):  # noqa: S314
        fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in item}
        kind, status = fields.get("post_type"), fields.get("status")
        comments = [
            {part.tag.rsplit("}", 1)[-1]: (part.text or "") for part in element}
            for element in item
            if element.tag.endswith("}comment")
        ]
        if kind == "post":
            counts["posts"] += 1
            counts["posts published in WordPress"] += status == "publish"
            counts["of them password-protected"] += bool(
                status == "publish" and fields.get("post_password")
            )
            counts["posts scheduled"] += status == "future"
            counts["posts draft"] += status == "draft"
            for comment in comments:
                kind_of_comment = comment.get("comment_type") or "comment"
                if kind_of_comment in ("pingback", "trackback"):
                    counts[kind_of_comment + "s"] += 1
                elif comment.get("comment_approved") == "1":
                    counts["approved comments on posts"] += 1
                elif comment.get("comment_approved") == "0":
                    counts["held comments on posts"] += 1
        elif kind == "page":
            counts["pages"] += 1
            for comment in comments:
                approved = comment.get("comment_approved")
                counts["approved comments on pages"] += approved == "1"
                counts["held comments on pages"] += approved == "0"
        elif kind == "attachment":
            counts["attachments"] += 1
        elif kind == "nav_menu_item":
            counts["menu items"] += 1
    counts["public posts"] = (
        counts["posts published in WordPress"] - counts["of them password-protected"]
    )
    return dict(counts)


def check_as_written(check, path: Path) -> None:
    """What a reader of the imported posts would see as damage, counted on every post."""
    import re

    from masthead.discussion.models import Comment
    from masthead.publishing.models import Institution, Post

    def text_ends(html: str) -> list[str]:
        # Preformatted text and table cells may hold a backslash of their own (ASCII art,
        # the special-characters table); elsewhere a line ending in one is an artefact.
        html = re.sub(r"<pre\b.*?</pre>|<td\b.*?</td>", "", html, flags=re.S)
        words = re.sub(r"<[^>]+>", "\n", html)
        return [line for line in words.splitlines() if line.rstrip().endswith("\\")]

    posts = list(Post.objects.all())
    check("posts with a backslash at the end of a line", [],
          [p.title for p in posts if text_ends(p.body_html)])  # fmt: skip
    check("posts with a run of <br>", [],
          [p.title for p in posts if re.search(r"(<br\s*/?>\s*){2,}", p.body_html)])  # fmt: skip

    empty_paragraph = re.compile(r"<p>(\s|&nbsp;|\xa0|<br\s*/?>)*</p>")
    check("posts with empty paragraphs (gaps)", [],
          [p.title for p in posts if empty_paragraph.search(p.body_html)])  # fmt: skip
    empty_header = re.compile(r"<thead>\s*<tr>\s*(<th[^>]*>\s*</th>\s*)+</tr>\s*</thead>")
    check("tables with an empty header row", [],
          [p.title for p in posts if empty_header.search(p.body_html)])  # fmt: skip
    check("titles holding tags", [], [p.title for p in posts if re.search(r"<[a-z/]", p.title)])
    check("the title with markup, as plain words", True,
          Post.objects.filter(title="Markup: Title With Markup").exists())  # fmt: skip
    check("comments with words run together across blocks", 0,
          Comment.objects.filter(body_html__contains="friends.Do It Live").count())  # fmt: skip
    check("comments keeping their lists and quotes", True,
          Comment.objects.filter(body_html__contains="<blockquote>")
          .filter(body_html__contains="<li>").exists())  # fmt: skip
    replies_to_replies = Comment.objects.filter(in_reply_to__isnull=False)
    check("replies to replies that say whom they answer (more than 5)", True,
          replies_to_replies.count() > 5)  # fmt: skip
    check("replies to replies kept in their thread", 0,
          sum(1 for c in replies_to_replies.select_related("in_reply_to")
              if (c.in_reply_to.parent_id or c.in_reply_to.pk) != c.parent_id))  # fmt: skip
    gallery = Post.objects.filter(title="Post Format: Gallery").first()
    grid = gallery is not None and 'class="gallery gallery--columns-' in gallery.body_html
    check("the gallery post shows a grid", True, grid)
    title = re.search(r"<channel>.*?<title>(.*?)</title>", path.read_text(), re.S)[1].strip()
    check("the institution named after the export", title, Institution.current().name)


def check_fetch_media(check, path: Path, Options, WordPressImport) -> None:
    """The pictures brought home: every address the export names is answered by a local
    HTTP server with a generated stand-in JPEG of the size its name says (the real files
    are not here), the export's hosts pointed at it, allowed by name (``localhost``)."""
    import io
    import re
    import threading
    import zlib
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    from PIL import Image

    from masthead.publishing.models import BodyImage, Post

    asked = []

    class StandIn(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            sized = re.search(r"-(\d{1,4})x(\d{1,4})\.\w+$", self.path)
            size = (int(sized[1]), int(sized[2])) if sized else (1600, 1067)
            buffer = io.BytesIO()
            colour = zlib.crc32(self.path.encode()) & 0xFFFFFF
            Image.new("RGB", size, colour).save(buffer, "JPEG")
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(buffer.getvalue())))
            self.end_headers()
            self.wfile.write(buffer.getvalue())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://localhost:{server.server_address[1]}"
    text = path.read_text(encoding="utf-8")
    hosts = {urlsplit(u.strip()).netloc for u in re.findall(r"<wp:attachment_url>(.*?)<", text)}
    hosts.add(urlsplit(re.search(r"<wp:base_site_url>(.*?)<", text)[1]).netloc)
    for host in filter(None, hosts):
        text = re.sub(rf"https?://{re.escape(host)}(?=[/\"'<\s\]])", base, text)
    moved = Path(os.environ["MASTHEAD_DATA_DIR"]) / "moved-export.xml"
    moved.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    options = Options(fetch_media=True, allowed_hosts=("localhost",))
    summary = WordPressImport(moved, options).run()
    seconds = time.perf_counter() - started
    server.shutdown()
    print(f"  ({seconds:.1f} s; the stand-in site was asked for {len(asked)} addresses)")
    check("addresses asked for more than once", [],
          sorted({a for a in asked if asked.count(a) > 1}))  # fmt: skip
    check("pictures not brought home", [], summary.warnings)
    left = [p.title for p in Post.objects.all()
            if re.search(rf'<img [^>]*src="{re.escape(base)}', p.body_html)]  # fmt: skip
    check("posts showing a picture from the old site", [], left)
    check("body pictures shown from here (the issue counted 371)", 371,
          BodyImage.objects.count())  # fmt: skip
    check("posts with a featured image", 6, Post.objects.exclude(featured_image="").count())


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE
    if not path.is_file():
        print(f"SKIPPED the WordPress import check: {path} is not here (it lives in shared/).")
        return 0
    data_dir = tempfile.mkdtemp(prefix="masthead-wxr-check-")
    os.environ["MASTHEAD_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    sys.path.insert(0, str(ROOT))

    import django

    # No static files are collected in this throwaway site; WhiteNoise would say so.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from masthead.discussion.models import Comment
    from masthead.importers.models import ImportedAttachment, ImportedPost
    from masthead.importers.wordpress import Options, WordPressImport
    from masthead.pages.models import OldAddress, Page
    from masthead.publishing.models import Post

    call_command("migrate", verbosity=0)
    failures = []

    def check(name, expected, found):
        mark = "ok " if expected == found else "BAD"
        print(f"  {mark} {name}: expected {expected}, found {found}")
        if expected != found:
            failures.append(name)

    print(f"The file {path.name}, read directly:")
    from_file = counted_from_the_file(path)
    for name, expected in EXPECTED.items():
        check(name, expected, from_file.get(name, 0))

    started = time.perf_counter()
    summary = WordPressImport(path, Options()).run()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reasons = {kind: dict(counter) for kind, counter in summary.reasons.items()}
    print(f"Imported into a fresh SQLite site in {seconds:.1f} s (peak memory {peak_mb:.0f} MB):")
    posts = Post.objects.filter(pk__in=ImportedPost.objects.values("post"))
    check("posts", EXPECTED["posts"], posts.count())
    check("public posts", EXPECTED["public posts"], Post.objects.public().count())
    check("posts scheduled", EXPECTED["posts scheduled"], posts.filter(status="scheduled").count())
    check(
        "posts kept as drafts (the draft and the password-protected one)",
        EXPECTED["posts draft"] + EXPECTED["of them password-protected"],
        posts.filter(status="draft").count(),
    )
    check(
        "approved comments on posts",
        EXPECTED["approved comments on posts"],
        Comment.objects.approved().count(),
    )
    check(
        "held comments on posts",
        EXPECTED["held comments on posts"],
        Comment.objects.pending().count(),
    )
    check(
        "pingbacks skipped", EXPECTED["pingbacks"], reasons["comments"].get("skipped: pingback", 0)
    )
    check(
        "trackbacks skipped",
        EXPECTED["trackbacks"],
        reasons["comments"].get("skipped: trackback", 0),
    )
    check("pages imported", EXPECTED["pages"], Page.objects.count())
    check("pages skipped", 0, summary.total("pages", "skipped"))
    file_pages = pages_in_the_file(path)
    check("public pages", sum(p["published"] for p in file_pages), Page.objects.public().count())
    check(
        "comments on pages skipped (pages have no discussion)",
        EXPECTED["approved comments on pages"] + EXPECTED["held comments on pages"],
        reasons["comments"].get("skipped: on a page (pages have no discussion)", 0),
    )
    check("attachments", EXPECTED["attachments"], ImportedAttachment.objects.count())
    check(
        "menu items read (placed or skipped with a reason)",
        EXPECTED["menu items"],
        summary.total("menu items", "created") + summary.total("menu items", "skipped"),
    )
    header = list(Page.objects.in_menu("header").values_list("title", flat=True))
    print(f"  the header menu: {', '.join(header) or '(empty)'}")
    check("a header menu of pages (when the file has menus)", bool(from_file.get("menu items")),
          bool(header))  # fmt: skip
    by_wordpress_id = {
        address.wordpress_id: address.page
        for address in OldAddress.objects.select_related("page__parent")
    }
    wrong_parents = []
    for page in file_pages:
        made = by_wordpress_id.get(page["id"])
        parent = by_wordpress_id.get(page["parent"]) if page["parent"] else None
        if made is None or made.parent_id != (parent.pk if parent else None):
            wrong_parents.append(page["title"])
    check("pages whose parent is not their WordPress parent", [], wrong_parents)

    print("Bodies, comments, titles, galleries, threads and the institution (issue 23):")
    check_as_written(check, path)

    print("Imported again:")
    again = WordPressImport(path, Options()).run()
    created_again = {kind: c["created"] for kind, c in again.outcomes.items() if c["created"]}
    check("things created by a second import", {}, created_again)

    print("Old addresses of public posts:")
    client = Client(HTTP_HOST="127.0.0.1")
    wrong = []
    public = ImportedPost.objects.filter(post__in=Post.objects.public()).select_related(
        "post__blog"
    )
    for record in public:
        target = record.post.get_absolute_url()
        for old in filter(None, [record.old_path, f"/?p={record.wordpress_id}"]):
            response = client.get(old)
            if response.status_code != 301 or response["Location"] != target:
                wrong.append(f"{old} → {response.status_code}")
    check("old addresses that do not redirect to the post", [], wrong)

    print("Old addresses of public pages:")
    wrong = []
    public_pages = {page.pk for page in Page.objects.public()}
    for page in file_pages:
        made = by_wordpress_id.get(page["id"])
        if made is None or made.pk not in public_pages:
            continue
        target = made.get_absolute_url()
        for old in [page["link"], f"/?page_id={page['id']}"]:
            response = client.get(old)
            if old == target:
                if response.status_code != 200:
                    wrong.append(f"{old} → {response.status_code}")
            elif response.status_code != 301 or response["Location"] != target:
                wrong.append(f"{old} → {response.status_code}")
            elif client.get(target).status_code != 200:
                wrong.append(f"{target} → {client.get(target).status_code}")
    check("old page addresses that do not lead to the page", [], wrong)

    print("Imported again with --fetch-media, a local server standing in for the old site:")
    check_fetch_media(check, path, Options, WordPressImport)

    if failures:
        print(f"FAILED: {', '.join(failures)}")
        return 1
    print("All counts match.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
