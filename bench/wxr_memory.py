"""Time and peak memory of reading and importing WordPress exports; prints figures, never fails.

    .venv/bin/python bench/wxr_memory.py [--size-mb 500] [--import-mb 5] [--theme FILE]
    .venv/bin/python bench/wxr_memory.py --import 50 100 [--compare-with DIR]

1. Writes a generated WXR 1.2 export of about --size-mb MB in a temporary directory
   (posts with paragraphs, captions and threaded comments; an attachment now and then).
2. Reads it with the importer's two streaming passes (the check, then every item with its
   comments) and reports time and peak memory, and the same for a tenth of the size: equal
   peaks mean memory stays flat as the export grows.
3. Imports a smaller generated export (--import-mb) for real, and with --dry-run, into a
   fresh SQLite site: the full import runs pandoc and the citation formatting for every
   post, so it is measured on a size that finishes in minutes, not on the 500 MB file.
4. Imports the WordPress theme unit test export (--theme, if present) into a fresh site.

With ``--import MB ...`` it only generates exports of those sizes and imports each, end to
end, into a fresh SQLite site: wall time, peak memory of the import process and, apart, of
its largest pandoc child, and the SQL statements it ran per post and per comment.
``--with-worker`` then runs the task worker until its queue is empty (the references the
import queued), timed apart. ``--compare-with DIR`` runs the same import of the same
file with the code of another checkout beside it, for a before/after (``mkdir
/tmp/before && git archive COMMIT | tar -x -C /tmp/before`` gives one; it runs with this
checkout's virtualenv).

Each measurement runs in its own process, so each peak (ru_maxrss) is its own.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT.parent / "shared" / "data" / "wordpress" / "themeunittestdata.wordpress.xml"
WORDS = [
    "grid", "transmission", "storage", "policy", "tariff", "demand", "market", "capacity",
    "regulator", "network", "line", "county", "battery", "winter", "price", "carbon", "auction",
    "cable", "substation", "planning", "reform",
]  # fmt: skip


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))


def generate(path: Path, size_mb: float, seed: int = 7) -> int:
    """Write an export of about ``size_mb`` MB; returns the number of posts."""
    rng = random.Random(seed)
    target = int(size_mb * 1024 * 1024)
    posts = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="https://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Generated Archive</title><link>https://old.example.org</link>\n"
            "<description>A long archive</description><wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:author><wp:author_login>ada</wp:author_login>"
            "<wp:author_display_name>Ada Okafor</wp:author_display_name></wp:author>\n"
        )
        while out.tell() < target:
            posts += 1
            post_id = posts * 10
            if posts % 20 == 0:
                out.write(
                    f"<item><title>Image {post_id + 1}</title><wp:post_id>{post_id + 1}"
                    "</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit"
                    "</wp:status><wp:attachment_url>https://old.example.org/wp-content/uploads/"
                    f"2020/01/img{post_id + 1}.jpg</wp:attachment_url>"
                    f"<guid>https://old.example.org/?attachment_id={post_id + 1}</guid></item>\n"
                )
            paragraphs = "\n\n".join(_paragraph(rng) for _ in range(rng.randint(4, 12)))
            caption = (
                f'[caption width="300"]<img src="https://old.example.org/wp-content/uploads/'
                f'2020/01/img{post_id}.jpg" alt="A chart" /> {_sentence(rng)}[/caption]\n\n'
            )
            comments = []
            for number in range(rng.randint(0, 8)):
                comment_id = post_id * 100 + number + 1
                parent = comment_id - 1 if number and rng.random() < 0.3 else 0
                approved = rng.choice(["1", "1", "1", "0", "spam"])
                comments.append(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {number}</wp:comment_author>"
                    f"<wp:comment_author_email>r{number}@example.org</wp:comment_author_email>"
                    f"<wp:comment_author_IP>203.0.113.{number}</wp:comment_author_IP>"
                    "<wp:comment_date_gmt>2020-02-02 10:00:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{_paragraph(rng)}]]></wp:comment_content>"
                    f"<wp:comment_approved>{approved}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )
            out.write(
                f"<item><title>Post number {posts}</title>"
                f"<link>https://old.example.org/2020/01/01/post-{posts}/</link>"
                f'<guid isPermaLink="false">https://old.example.org/?p={post_id}</guid>'
                "<dc:creator>ada</dc:creator>"
                f"<content:encoded><![CDATA[{caption}{paragraphs}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id>"
                "<wp:post_date_gmt>2020-01-01 09:00:00</wp:post_date_gmt>"
                f"<wp:post_name>post-{posts}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                '<category domain="category" nicename="energy"><![CDATA[Energy]]></category>'
                f"{''.join(comments)}</item>\n"
            )
        out.write("</channel>\n</rss>\n")
    return posts


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(mode: str, file: str) -> None:
    """Runs in its own process: one measurement, printed as JSON."""
    code_root = os.environ.get("WXR_BENCH_CODE", str(ROOT))
    sys.path.insert(0, code_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    if mode == "read":
        from masthead.importers.wxr import read_channel, read_items

        channel, attachments = read_channel(Path(file))
        items = comments = 0
        for item in read_items(Path(file)):
            items += 1
            comments += len(item.comments)
        detail = f"{items:,} items, {comments:,} comments"
        seconds = time.perf_counter() - started
        peaks = _peak_mb(), 0.0
    else:
        from django.db import connection

        from masthead.discussion.models import Comment
        from masthead.publishing.models import Post

        call_command("migrate", verbosity=0)
        statements = 0

        def count(execute, sql, params, many, context):
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        arguments = ["import_wxr", file] + (["--dry-run"] if mode == "dry-run" else [])
        with open(os.devnull, "w") as quiet, connection.execute_wrapper(count):
            call_command(*arguments, stdout=quiet)
        seconds = time.perf_counter() - started
        peaks = _peak_mb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        detail = "dry run" if mode == "dry-run" else "full import, committed"
        if mode == "import" and os.environ.get("WXR_BENCH_WORKER"):
            # What the import leaves to the background worker (formatting references).
            worker_started = time.perf_counter()
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
            detail += f"; then the worker: {time.perf_counter() - worker_started:.1f} s"
        if mode == "import":
            posts, comments = Post.objects.count(), Comment.objects.count()
            detail += (
                f"; {posts:,} posts, {comments:,} comments, {statements:,} SQL statements: "
                f"{statements / max(1, posts + comments):.1f} per post or comment"
            )
    # The peaks are the import's own: taken before the worker runs in the same process.
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peaks[0],
                "children_peak_mb": peaks[1],
                "detail": detail,
            }
        )
    )


def measure(mode: str, file: Path, label: str, code: Path | None = None) -> None:
    environment = {**os.environ, "MASTHEAD_DATA_DIR": tempfile.mkdtemp(prefix="wxr-bench-")}
    environment.pop("DATABASE_URL", None)
    if code is not None:
        environment["WXR_BENCH_CODE"] = str(code.resolve())
    finished = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(file)],
        env=environment,
        capture_output=True,
        text=True,
    )
    if finished.returncode != 0:
        print(f"{label}: failed: {finished.stderr.strip().splitlines()[-1:]}")
        return
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    size = file.stat().st_size / 1e6
    print(
        f"{label}: {size:,.1f} MB, {result['seconds']:,.1f} s, "
        f"peak memory {result['peak_mb']:,.0f} MB, largest child (pandoc) "
        f"{result['children_peak_mb']:,.0f} MB ({result['detail']})",
        flush=True,
    )


def import_only(sizes: list[float], other: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="wxr-bench-") as folder:
        for size in sizes:
            path = Path(folder) / f"generated-{size:g}mb.xml"
            started = time.perf_counter()
            posts = generate(path, size)
            print(
                f"generated {path.name}: {posts:,} posts in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
            if other is not None:
                measure("import", path, f"import_wxr, before ({other})", other)
            measure("import", path, "import_wxr, this checkout")
            path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=500)
    parser.add_argument("--import-mb", type=float, default=5)
    parser.add_argument("--theme", type=Path, default=THEME)
    parser.add_argument(
        "--import",
        dest="import_sizes",
        type=float,
        nargs="+",
        metavar="MB",
        help="only import generated exports of these sizes, end to end",
    )
    parser.add_argument(
        "--compare-with", type=Path, help="another checkout whose import runs beside this one"
    )
    parser.add_argument(
        "--with-worker",
        action="store_true",
        help="after each import, run the task worker until the queue is empty, timed apart",
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
        return
    if arguments.with_worker:
        os.environ["WXR_BENCH_WORKER"] = "1"
    if arguments.import_sizes:
        import_only(arguments.import_sizes, arguments.compare_with)
        return
    with tempfile.TemporaryDirectory(prefix="wxr-bench-") as folder:
        folder = Path(folder)
        for size in (arguments.size_mb / 10, arguments.size_mb):
            path = folder / f"generated-{size:g}mb.xml"
            started = time.perf_counter()
            posts = generate(path, size)
            print(
                f"generated {path.name}: {posts:,} posts in {time.perf_counter() - started:.0f} s"
            )
            measure("read", path, f"streaming read, both passes ({size:g} MB)")
            path.unlink()
        small = folder / f"generated-{arguments.import_mb:g}mb.xml"
        posts = generate(small, arguments.import_mb)
        print(f"generated {small.name}: {posts:,} posts")
        measure("dry-run", small, f"import_wxr --dry-run ({arguments.import_mb:g} MB)")
        measure("import", small, f"import_wxr ({arguments.import_mb:g} MB)")
    if arguments.theme.is_file():
        measure("dry-run", arguments.theme, "theme unit test export, --dry-run")
        measure("import", arguments.theme, "theme unit test export, full import")
    else:
        print(f"theme unit test export not found at {arguments.theme}: not measured")


if __name__ == "__main__":
    main()
