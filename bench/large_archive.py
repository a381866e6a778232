"""Page render times on a large generated archive against the demo's.

Builds (once, then reuses) two databases: the demo's sample content
(``masthead demo --no-serve``) and a generated archive
(``masthead generate_archive --posts N --comments M``). One child process per
database renders the page types in-process with Django's test client, the page
cache off; the two children take turns, one render each, so a change in the
machine's load falls on both sites alike. Prints, per page type, the median time
on the demo, on the archive, and the ratio (the target is at most 2×).

    .venv/bin/python bench/large_archive.py [--posts 10000] [--comments 100000] [--runs 15]

The archive is kept in ``var/bench/`` between runs (``--rebuild`` makes it anew).
Prints figures; passes or fails nothing.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = [sys.executable, "-m", "masthead.cli"]
RESULT = "RESULT "


def page_addresses() -> dict[str, str]:
    """Each page type's address on the current database: its busiest instance."""
    from django.db.models import Count, Max

    from masthead.discussion.models import Thread
    from masthead.publishing import sitemaps
    from masthead.publishing.models import Author, Blog, Post, Topic

    public = Post.objects.public()
    blog = Blog.objects.annotate(n=Count("posts")).order_by("-n").first()
    author = Author.objects.annotate(n=Count("posts")).order_by("-n").first()
    topic = Topic.objects.annotate(n=Count("posts")).order_by("-n").first()
    thread = Thread.objects.order_by("-approved_root_count").first()
    busiest = public.get(pk=thread.post_id)
    quiet = public.exclude(pk=busiest.pk).order_by("-publish_at").first()
    latest = public.aggregate(latest=Max("publish_at"))["latest"]
    return {
        "hub": "/",
        "blog index": blog.get_absolute_url(),
        "blog index, last page": f"{blog.get_absolute_url()}?page="
        f"{max(1, -(-public.filter(blog=blog).count() // 10))}",
        "post": quiet.get_absolute_url(),
        f"post, most comments ({thread.approved_root_count})": busiest.get_absolute_url(),
        "author (most posts)": author.get_absolute_url(),
        "topic (most posts)": topic.get_absolute_url(),
        "archive index": "/archive/",
        "archive month": f"/archive/{latest.year}/{latest.month}/",
        "site feed (Atom)": "/feed/",
        "site feed (JSON)": "/feed/json/",
        "author feed (RSS)": f"{author.get_absolute_url()}feed/rss/",
        "sitemap.xml": "/sitemap.xml",
        # Where the sitemap is an index, its fullest section against the demo's whole file.
        "sitemap's fullest file": largest_sitemap_file(sitemaps),
    }


def largest_sitemap_file(sitemaps) -> str:
    if not sitemaps.needs_index():
        return "/sitemap.xml"
    fullest = max(sitemaps.post_blocks(), key=lambda block: block["count"])
    return f"/sitemap-posts-{fullest['block']}.xml"


def serve_renders() -> None:
    """In the child: names its addresses, then renders one page type per line asked."""
    import django

    django.setup()
    from django.test import Client

    client = Client()
    addresses = {}
    for name, address in page_addresses().items():
        key = "post, most comments" if name.startswith("post, most comments") else name
        addresses[key] = (name, address)
    print(RESULT + json.dumps({key: label for key, (label, _) in addresses.items()}), flush=True)
    for line in sys.stdin:
        label, address = addresses[line.strip()]
        started = time.perf_counter()
        response = client.get(address)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (address, response.status_code)
        print(RESULT + json.dumps({"ms": elapsed * 1000}), flush=True)


def answer(child) -> dict:
    for line in child.stdout:
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT) :])
    raise RuntimeError("a measuring process stopped early")


def build(data_dir: Path, setup: list[list[str]], env: dict) -> None:
    if (data_dir / "ready").exists():
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    for command in setup:
        started = time.monotonic()
        subprocess.run([*MASTHEAD, *command], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"  {' '.join(command)}: {time.monotonic() - started:.0f} s", flush=True)
    (data_dir / "ready").touch()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_renders()
        return
    bench_dir = ROOT / "var" / "bench"
    outside = {"DATABASE_URL", "REDIS_URL"}
    base = {key: value for key, value in os.environ.items()
            if not key.startswith("MASTHEAD_") and key not in outside}  # fmt: skip
    base["DJANGO_SETTINGS_MODULE"] = "masthead.settings"
    # Renders are measured, not the anonymous page cache's stored answers.
    base["MASTHEAD_PAGE_CACHE"] = "off"
    sites = {
        "demo": (bench_dir / "demo", [["demo", "--no-serve"]]),
        "archive": (
            bench_dir / f"archive-{args.posts}-{args.comments}",
            [["migrate", "-v0"],
             ["generate_archive", "--posts", str(args.posts), "--comments", str(args.comments)]],
        ),
    }  # fmt: skip
    children = {}
    for name, (data_dir, setup) in sites.items():
        if args.rebuild:
            shutil.rmtree(data_dir, ignore_errors=True)
        env = {**base, "MASTHEAD_DATA_DIR": str(data_dir)}
        print(f"{name}: {data_dir}", flush=True)
        build(data_dir, setup, env)
        subprocess.run([*MASTHEAD, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        children[name] = subprocess.Popen(
            [sys.executable, __file__, "--serve"], env=env, cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
    labels = {name: answer(child) for name, child in children.items()}
    times = {name: {key: [] for key in labels["demo"]} for name in children}

    def render(name, key) -> float:
        children[name].stdin.write(key + "\n")
        children[name].stdin.flush()
        return answer(children[name])["ms"]

    # Renders of the two sites alternate, one page at a time, so a change in the
    # machine's load falls on both alike (this machine is shared).
    try:
        for round_number in range(args.runs + 2):
            for key in labels["demo"]:
                for name in children:
                    elapsed = render(name, key)
                    if round_number >= 2:  # the first two rounds warm the caches
                        times[name][key].append(elapsed)
    finally:
        for child in children.values():
            child.stdin.close()
            child.wait(timeout=30)
    print(f"\nmedian of {args.runs} in-process renders (Django test client), demo and archive "
          "alternating, one process each")  # fmt: skip
    print(f"{'page type':<34} {'demo ms':>9} {'archive ms':>11} {'ratio':>7}")
    for key in labels["demo"]:
        demo = statistics.median(times["demo"][key])
        archive = statistics.median(times["archive"][key])
        ratio = archive / demo
        flag = "" if ratio <= 2 else "  over 2x"
        print(f"{labels['archive'][key]:<34} {demo:>9.1f} {archive:>11.1f} {ratio:>6.2f}x{flag}")


if __name__ == "__main__":
    main()
