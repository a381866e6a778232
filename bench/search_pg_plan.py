"""PostgreSQL search as it is (the match forced through the GIN index, ranked on the
small vector) against the earlier plan (the planner's choice, ranked on the whole
vector), interleaved query by query so the machine's load weighs on both alike.

    DATABASE_URL=postgres://…/archive .venv/bin/python bench/search_pg_plan.py

Needs a PostgreSQL database that already holds an archive made by
``bench/search_bench.py``'s generator (``build_archive``), and its queries. Prints the
median and p95 of each way; passes or fails nothing.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    import search_bench
    from django.db import connection

    from masthead.publishing.models import Topic
    from masthead.search import backends
    from masthead.search.service import Filters, search

    rng = random.Random(14)
    words = search_bench.vocabulary(rng, 4000)
    names = [f"{given} {family}" for given in search_bench.GIVEN for family in search_bench.FAMILY]
    topics = list(Topic.objects.values_list("name", flat=True))
    queries = search_bench.varied_queries(200, rng, words, names, topics)

    engine = backends.PostgresSearch
    current_hits, current_cursor = engine.hits_sql, engine.cursor

    def earlier_hits(self, query, published_before):
        sql, params = current_hits(self, query, published_before)
        return sql.replace("ts_rank(rank_vector", "ts_rank(vector"), params

    def planner_decides(self):
        return connection.cursor()

    ways = {
        "earlier (planner's choice, whole vector ranked)": (earlier_hits, planner_decides),
        "now (GIN index, small vector ranked)": (current_hits, current_cursor),
    }
    timings = {name: [] for name in ways}
    for _, params in queries:
        params = dict(params)
        text = params.pop("q")
        year = int(params["year"]) if "year" in params else None
        filters = Filters(blog=params.get("blog", ""), year=year)
        for name in rng.sample(list(ways), len(ways)):
            engine.hits_sql, engine.cursor = ways[name]
            started = time.perf_counter()
            search(text, filters).page(1, 10)
            timings[name].append((time.perf_counter() - started) * 1000)
    engine.hits_sql, engine.cursor = current_hits, current_cursor
    for name, values in timings.items():
        values.sort()
        p95 = values[max(0, round(0.95 * len(values)) - 1)]
        print(f"{name}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms")
    print(f"load average (1, 5, 15 min): {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
