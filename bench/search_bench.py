"""How long a search takes on a 10,000-post archive: median and p95 of 200 varied queries.

    .venv/bin/python bench/search_bench.py [--posts 10000] [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:54341/masthead .venv/bin/python bench/search_bench.py

Builds an archive of generated posts (bulk inserts, then one index rebuild) in a
throwaway SQLite file, or, with DATABASE_URL set, in a throwaway PostgreSQL
database named after it with ``_search_bench`` added (created and dropped here).
Then it asks the search page for 200 queries of several kinds (common and rare
words, two words, phrases, prefixes, names without their accents, topics,
filtered searches) through Django's test client, so each figure covers what a
reader waits for minus the network: matching, ranking, counting, the four
filters' counts, snippets and the rendered page. Prints figures; passes or fails
nothing.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "sa",
    "tu",
    "ri",
    "po",
    "de",
    "va",
    "ger",
    "lin",
    "tor",
    "bra",
    "es",
    "um",
    "ic",
    "al",
    "on",
    "ter",
    "qui",
    "zé",
    "ña",
    "ü",
    "ser",
    "ment",
]
SUBJECT_WORDS = [
    "grid",
    "storage",
    "budget",
    "budgets",
    "transmission",
    "tariff",
    "housing",
    "rail",
    "water",
    "heat",
    "prices",
    "inflation",
    "election",
    "ports",
    "climate",
    "hydrogen",
    "subsidy",
    "planning",
    "tax",
    "schools",
    "hospitals",
    "wages",
]
GIVEN = ["Tomás", "Zoë", "Ana", "Jürgen", "Ada", "Łukasz", "Chloé", "Kenji", "Sigrid", "Colm"]
FAMILY = ["Ibáñez", "Okafor", "Müller", "Nowak", "Lindqvist", "Brennan", "Dupont", "Nakamura"]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return SUBJECT_WORDS + sorted(words)


class Writer:
    """Generated prose: a few words very common, most rare (roughly Zipf's law)."""

    def __init__(self, rng: random.Random, words: list[str]):
        self.rng = rng
        self.words = words
        self.weights = [1 / (rank + 1) for rank in range(len(words))]

    def sentence(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        chosen = self.rng.choices(self.words, self.weights, k=count)
        return " ".join(chosen).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence(8, 20) for _ in range(self.rng.randint(3, 6)))


def build_archive(posts: int, rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    from django.db import transaction
    from django.utils import timezone

    from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

    words = vocabulary(rng, 4000)
    writer = Writer(rng, words)
    Institution.objects.create(name="Harbour Institute", short_name="Harbour Institute")
    blogs = [
        Blog.objects.create(name=name, slug=name.lower().split()[0], tagline=name)
        for name in ["Energy Desk", "Cities Lab", "Money Matters", "Health Watch"]
    ]
    authors = [
        Author.objects.create(
            display_name=f"{given} {family}",
            given_name=given,
            family_name=family,
            slug=f"author-{n}",
        )  # fmt: skip
        for n, (given, family) in enumerate((given, family) for given in GIVEN for family in FAMILY)
    ]
    topics = [
        Topic.objects.create(name=f"{word.capitalize()} {other}", slug=f"topic-{n}")
        for n, (word, other) in enumerate(
            zip(SUBJECT_WORDS * 3, ["policy", "markets", "reform"] * 22, strict=False)
        )
    ]
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        rows = []
        for n in range(posts):
            paragraphs = [writer.paragraph() for _ in range(rng.randint(2, 6))]
            rows.append(
                Post(
                    blog=rng.choice(blogs),
                    title=writer.sentence(4, 10).rstrip("."),
                    slug=f"post-{n}",
                    status=Post.Status.PUBLISHED,
                    publish_at=now - timezone.timedelta(days=rng.randint(1, 12 * 365)),
                    summary=writer.sentence(12, 25),
                    # Plain prose needs no Markdown rendering: the HTML is written directly.
                    body="\n\n".join(paragraphs),
                    body_html="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                )
            )
        rows = Post.objects.bulk_create(rows, batch_size=500)
        PostAuthor.objects.bulk_create(
            (
                PostAuthor(post=row, author=author, position=position)
                for row in rows
                for position, author in enumerate(rng.sample(authors, rng.choice([1, 1, 2, 3])))
            ),
            batch_size=1000,
        )
        Post.topics.through.objects.bulk_create(
            (
                Post.topics.through(post_id=row.pk, topic_id=topic.pk)
                for row in rows
                for topic in rng.sample(topics, rng.randint(0, 3))
            ),
            batch_size=1000,
        )
    inserted = time.perf_counter() - started
    started = time.perf_counter()
    from masthead.search.indexing import rebuild

    indexed = rebuild()
    print(f"  archive: {posts} posts inserted in {inserted:.1f} s; "
          f"index rebuilt ({indexed} posts) in {time.perf_counter() - started:.1f} s")  # fmt: skip
    names = [author.display_name for author in authors]
    return words, names, [topic.name for topic in topics]


def fold(text: str) -> str:
    return "".join(
        char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)
    )


def varied_queries(count: int, rng: random.Random, words, names, topics) -> list[tuple[str, dict]]:
    from masthead.search.models import SearchDocument

    bodies = list(SearchDocument.objects.order_by("?").values_list("body", flat=True)[:200])
    years = sorted(set(SearchDocument.objects.values_list("year", flat=True)))
    kinds = {
        "common word": lambda: {"q": rng.choice(words[:60])},
        "rare word": lambda: {"q": rng.choice(words[1000:])},
        "two words": lambda: {"q": f"{rng.choice(words[:300])} {rng.choice(words[:300])}"},
        "phrase": lambda: {"q": phrase_from(rng, rng.choice(bodies))},
        "prefix": lambda: {"q": rng.choice(words[:800])[:4] + "*"},
        "author, no accents": lambda: {"q": fold(rng.choice(names))},
        "topic": lambda: {"q": rng.choice(topics)},
        "word + filters": lambda: {
            "q": rng.choice(words[:200]),
            "blog": rng.choice(["energy", "cities", "money", "health"]),
            "year": str(rng.choice(years)),
        },
    }
    names_of_kinds = list(kinds)
    return [
        (kind, kinds[kind]())
        for kind in (names_of_kinds[n % len(names_of_kinds)] for n in range(count))
    ]


def phrase_from(rng: random.Random, body: str) -> str:
    words = body.split()
    start = rng.randrange(max(1, len(words) - 3))
    return '"' + " ".join(words[start : start + rng.randint(2, 3)]).strip(".") + '"'


def measure(queries) -> None:
    from django.test import Client

    client = Client()
    client.get("/search/", {"q": "warm up"})
    timings = {}
    cpu_times = []
    found = []
    load_before = os.getloadavg()[0]
    for kind, params in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/search/", params)
        elapsed = (time.perf_counter() - started) * 1000
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (params, response.status_code)
        timings.setdefault(kind, []).append(elapsed)
        found.append(b"<mark>" in response.content)
    every = sorted(elapsed for values in timings.values() for elapsed in values)
    print(f"  {len(every)} queries, {sum(found)} with hits: "
          f"median {statistics.median(every):.1f} ms, p95 {percentile(every, 95):.1f} ms, "
          f"max {every[-1]:.1f} ms")  # fmt: skip
    # On SQLite all the work happens in this process, so its CPU time is the cost of a
    # search whatever else the machine is doing; on PostgreSQL the server's share is not in it.
    cpu_times.sort()
    print(f"  this process's CPU time per search: median {statistics.median(cpu_times):.1f} ms, "
          f"p95 {percentile(cpu_times, 95):.1f} ms")  # fmt: skip
    print(f"  load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    for kind, values in timings.items():
        values.sort()
        print(f"    {kind:20} median {statistics.median(values):6.1f} ms  "
              f"p95 {percentile(values, 95):6.1f} ms")  # fmt: skip


def measure_search_alone(queries) -> None:
    """The search itself (match, rank, count, filter counts, snippets), without the page."""
    from masthead.search.service import Filters, search

    timings = []
    for _, params in queries:
        params = dict(params)
        text = params.pop("q")
        filters = Filters(
            blog=params.get("blog", ""), year=int(params["year"]) if "year" in params else None
        )
        started = time.perf_counter()
        search(text, filters).page(1, 10)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"  the search alone, without rendering the page: median "
          f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms")  # fmt: skip


def percentile(ordered: list[float], pct: int) -> float:
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run(posts: int, queries: int) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    print(f"Search on {connection.vendor} ({connection.settings_dict['NAME']})")
    rng = random.Random(14)
    from masthead.publishing.models import Post, Topic

    if Post.objects.exists():  # --data-dir kept from an earlier run: the same archive again
        words = vocabulary(rng, 4000)
        names = [f"{given} {family}" for given in GIVEN for family in FAMILY]
        topics = list(Topic.objects.values_list("name", flat=True))
        print(f"  archive: {Post.objects.count()} posts kept from an earlier run")
    else:
        words, names, topics = build_archive(posts, rng)
    chosen = varied_queries(queries, rng, words, names, topics)
    measure(chosen)
    measure_search_alone(chosen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--data-dir", help="keep the SQLite archive here and reuse it next time (SQLite only)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    database_url = os.environ.get("DATABASE_URL")
    if args.data_dir and not database_url:
        os.environ["MASTHEAD_DATA_DIR"] = args.data_dir
        run(args.posts, args.queries)
        return
    with tempfile.TemporaryDirectory(prefix="masthead-search-bench-") as data_dir:
        os.environ["MASTHEAD_DATA_DIR"] = data_dir
        if not database_url:
            run(args.posts, args.queries)
            return
        import psycopg

        parts = urlsplit(database_url)
        bench_name = parts.path.lstrip("/") + "_search_bench"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
            admin.execute(f'CREATE DATABASE "{bench_name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + bench_name))
        try:
            run(args.posts, args.queries)
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')


if __name__ == "__main__":
    main()
