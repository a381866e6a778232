"""What rendering each public page costs, in one process: time and database queries.

    .venv/bin/python bench/render_profile.py [--runs 40]
    .venv/bin/python bench/render_profile.py --against /work/main   # side by side
    .venv/bin/python bench/render_profile.py --profile post --runs 200  # where the time goes

Builds a throwaway site in a temporary MASTHEAD_DATA_DIR (the demo's sample
content and comments, plus one post with 1,000 approved comments), then asks
for every public page type through Django's full request handler (all the
middleware a real request passes through, no HTTP server, no page cache in
front). With ``--against`` both checkouts' workers run at once, each with its
own site, and take turns in batches of five requests, so that a busy moment on
a shared machine weighs on both alike. For each page it prints:

- ``cold``: every cache emptied before each request, so every fragment is built;
- ``warm``: the same page again, its shared fragments (navigation, the comments
  of the thread's version, the references...) already cached, as on a live site
  where the page as a whole is not cached;

each as the median of ``--runs`` requests in milliseconds of this process's CPU
time (``time.process_time``: on a machine others share, wall-clock time
measures them as much as us; the database is SQLite, inside this process, so
its work is counted too) and the queries one request makes. With
``--against DIR`` the same script also runs with DIR's own ``.venv`` and code
(e.g. a checkout of main), in the same run, and the table puts both side by
side with the ratio (this checkout ÷ DIR).

Prints figures; passes or fails nothing.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUSY_COMMENTS = 1000


def build_site() -> dict[str, str]:
    """The sample site plus a busy discussion; returns page name -> address."""
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from masthead.discussion.models import Comment, Thread
    from masthead.publishing.models import Author, Blog, Post, Topic
    from masthead.server.sample.comments import load_sample_comments
    from masthead.server.sample.loader import load_sample_content

    call_command("migrate", interactive=False, verbosity=0)
    load_sample_content()
    load_sample_comments()
    public = Post.objects.public().select_related("blog").order_by("-publish_at")
    commented = public.first()
    quiet = public.filter(discussion__isnull=True).last()
    busy = public.exclude(pk__in=[commented.pk, quiet.pk]).first()
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            post=busy,
            author_name=f"Reader {n}",
            email=f"reader{n}@example.org",
            body=f"Comment number {n}, with a few words of its own.",
            body_html=f"<p>Comment number {n}, with a few words of its own.</p>",
            status=Comment.Status.APPROVED,
            decided_at=now,
            created_at=now - datetime.timedelta(minutes=BUSY_COMMENTS - n),
        )
        for n in range(BUSY_COMMENTS)
    )
    thread, _ = Thread.objects.get_or_create(post=busy)
    thread.recount()

    author = Author.objects.filter(posts__in=Post.objects.public()).first()
    topic = Topic.objects.filter(posts__in=Post.objects.public()).first()
    blog = Blog.objects.filter(posts__in=Post.objects.public()).first()
    month = timezone.localtime(commented.publish_at)
    post_path = commented.get_absolute_url()
    return {
        "hub": "/",
        "blog": blog.get_absolute_url(),
        "post, no comments": quiet.get_absolute_url(),
        "post, comments": post_path,
        "post, 1000 comments": busy.get_absolute_url(),
        "post, 1000 comments p.3": busy.get_absolute_url() + "?comments=3",
        "author": author.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "archive": "/archive/",
        "archive month": f"/archive/{month.year}/{month.month}/",
        "feed, site (Atom)": "/feed/",
        "feed, blog (RSS)": f"/{blog.slug}/feed/rss/",
        "feed, author (JSON)": f"/authors/{author.slug}/feed/json/",
        "feed, topic (Atom)": f"/topics/{topic.slug}/feed/",
        "sitemap": "/sitemap.xml",
        "cite page": post_path + "cite/",
        "cite.bib": post_path + "cite.bib",
        "cite.ris": post_path + "cite.ris",
        "cite.json": post_path + "cite.json",
        "search": "/search/?q=grid",
        "api, posts": "/api/v1/posts",
        "api, post": f"/api/v1/posts/{commented.blog.slug}/{commented.slug}",
    }


class Requester:
    """Django's own WSGI handler, asked as a server would ask it."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def get(self, address: str) -> tuple[int, bytes]:
        path, _, query = address.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        status = []
        chunks = self.handler(environ, lambda s, headers, exc_info=None: status.append(s))
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return int(status[0].split()[0]), body


def serve_measurements(pages: dict[str, str]) -> None:
    """Answer the driver's requests on stdin, one JSON line each: a batch of timed requests."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    requester = Requester()
    for address in pages.values():  # the first request of a kind loads templates and code
        requester.get(address)
    print(json.dumps({"pages": list(pages)}), flush=True)
    for line in sys.stdin:
        order = json.loads(line)
        address, cold = pages[order["page"]], order["mode"] == "cold"
        times = []
        for _ in range(order["runs"]):
            if cold:
                cache.clear()
            started = time.process_time()
            status, body = requester.get(address)
            times.append((time.process_time() - started) * 1000)
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            requester.get(address)
        answer = {"times": times, "queries": len(queries), "status": status, "bytes": len(body)}
        print(json.dumps(answer), flush=True)


class Checkout:
    """One checkout's worker process, holding its own site, asked for batches in turn."""

    def __init__(self, checkout: Path, python: Path | None = None, persistent: bool = False):
        python = Path(os.path.abspath(python or checkout / ".venv" / "bin" / "python"))
        self.name = checkout.name
        self.process = subprocess.Popen(
            [str(python), str(Path(__file__).resolve()), "--worker"]
            + (["--persistent-connections"] if persistent else []),
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(checkout)},
        )
        self.pages = self.read()["pages"]

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"The worker for {self.name} stopped; see its errors above.")
        return json.loads(line)

    def ask(self, page: str, mode: str, runs: int) -> dict:
        self.process.stdin.write(json.dumps({"page": page, "mode": mode, "runs": runs}) + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def measure(checkouts: list[Checkout], runs: int, batch: int = 5) -> list[dict]:
    """Every page in both modes, the checkouts taking turns batch by batch.

    Taking turns in small batches means a busy moment on a shared machine slows
    both sides alike rather than whichever happened to run then.
    """
    figures = [{} for _ in checkouts]
    for page in checkouts[0].pages:
        rows = [{} for _ in checkouts]
        for mode in ("cold", "warm"):
            times = [[] for _ in checkouts]
            for round_number in range(max(1, runs // batch)):
                turn = list(enumerate(checkouts))
                if round_number % 2:
                    turn.reverse()
                for index, checkout in turn:
                    answer = checkout.ask(page, mode, batch)
                    times[index].extend(answer["times"])
                    rows[index][mode] = {"queries": answer["queries"]}
                    rows[index]["status"] = answer["status"]
            for index in range(len(checkouts)):
                rows[index][mode]["ms"] = statistics.median(times[index])
        for index, row in enumerate(rows):
            figures[index][page] = row
    return figures


def profile(address: str, runs: int) -> None:
    import cProfile
    import pstats

    requester = Requester()
    requester.get(address)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        requester.get(address)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def show_queries(address: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    requester = Requester()
    requester.get(address)
    with CaptureQueriesContext(connection) as queries:
        requester.get(address)
    for number, query in enumerate(queries, 1):
        print(f"{number:>3}. {query['sql'][:400]}")


def worker(
    runs: int,
    profile_page: str | None,
    queries_page: str | None = None,
    persistent: bool = False,
) -> None:
    """Runs inside the interpreter of the checkout being measured."""
    with tempfile.TemporaryDirectory(prefix="masthead-render-") as data_dir:
        os.environ["MASTHEAD_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        os.environ["MASTHEAD_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        # What is measured is the page being made: the whole-page store must not answer.
        os.environ["MASTHEAD_PAGE_CACHE"] = "off"
        import django

        django.setup()
        import masthead

        if persistent:
            # As under a server whose threads keep their connection: the cost of
            # opening one is then paid once, not by every request.
            from django.db import connections

            connections["default"].settings_dict["CONN_MAX_AGE"] = None

        print(f"Measuring the code in {Path(masthead.__file__).parent}", file=sys.stderr)
        pages = build_site()
        wanted = profile_page or queries_page
        if wanted:
            matches = [name for name in pages if name.startswith(wanted)]
            address = pages[matches[0]] if matches else wanted
        if queries_page:
            show_queries(address)
            return
        if profile_page:
            print(f"Profile of {runs} requests for {address}", file=sys.stderr)
            profile(address, runs)
            return
        serve_measurements(pages)


def report_one(figures: dict) -> None:
    print(f"{'page':<26} {'status':>6} {'cold ms':>8} {'q':>3} {'warm ms':>8} {'q':>3}")
    for name, row in figures.items():
        cold, warm = row["cold"], row["warm"]
        print(
            f"{name:<26} {row['status']:>6} {cold['ms']:>8.2f} {cold['queries']:>3} "
            f"{warm['ms']:>8.2f} {warm['queries']:>3}"
        )


def report_side_by_side(here: dict, there: dict, there_name: str) -> None:
    print(
        "ms = median CPU milliseconds per request; q = queries per request; "
        f"ratio = this checkout / {there_name}"
    )
    header = (
        f"{'page':<26} {'cold ms':>16} {'ratio':>6} {'cold q':>9} "
        f"{'warm ms':>16} {'ratio':>6} {'warm q':>9}"
    )
    print(f"{'':<26} {there_name + ' → this':>16}")
    print(header)
    for name, row in here.items():
        other = there.get(name)
        if other is None:
            continue
        parts = [f"{name:<26}"]
        for mode in ("cold", "warm"):
            a, b = other[mode], row[mode]
            parts.append(f"{a['ms']:>7.2f} → {b['ms']:>6.2f} {b['ms'] / a['ms']:>6.2f}")
            parts.append(f"{a['queries']:>3} → {b['queries']:>3}")
        if row["status"] != other["status"]:
            parts.append(f"(status {other['status']} → {row['status']})")
        print(" ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="requests per page and mode")
    parser.add_argument("--against", type=Path, help="another checkout (its code, its .venv)")
    parser.add_argument(
        "--against-python",
        type=Path,
        help="the interpreter for --against, when its .venv is missing or stale (the checkout's "
        "code is still the one imported: it is put first on PYTHONPATH)",
    )
    parser.add_argument(
        "--profile", metavar="PAGE", help="cProfile one page (a name from the table or a path)"
    )
    parser.add_argument(
        "--queries", metavar="PAGE", help="print the SQL of one (warm) request for one page"
    )
    parser.add_argument(
        "--persistent-connections",
        action="store_true",
        help="keep the database connection from one request to the next (as a server's "
        "threads do with CONN_MAX_AGE), so that opening one is not counted in every request",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker or args.profile or args.queries:
        sys.path.insert(0, str(Path.cwd()))
        worker(args.runs, args.profile, args.queries, args.persistent_connections)
        return
    persistent = args.persistent_connections
    checkouts = [Checkout(ROOT, persistent=persistent)]
    if args.against is not None:
        checkouts.append(Checkout(args.against.resolve(), args.against_python, persistent))
    try:
        figures = measure(checkouts, args.runs)
    finally:
        for checkout in checkouts:
            checkout.close()
    if args.against is None:
        report_one(figures[0])
    else:
        report_side_by_side(figures[0], figures[1], checkouts[1].name)


if __name__ == "__main__":
    main()
