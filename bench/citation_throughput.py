"""How fast references are formatted: items per second per style, and a 1,000-post archive.

    .venv/bin/python bench/citation_throughput.py [--items 200] [--posts 1000]

Part 1 formats synthetic blog posts as CSL-JSON straight through the engine (one
pandoc process per style and batch). Part 2 builds an archive of posts in a
throwaway SQLite database and times `masthead format_citations`, which is what
re-formatting the whole site in the four post-page styles costs. Prints figures;
passes or fails nothing.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILIES = ["Okafor", "Lindqvist", "Haugen", "Nakamura", "Ferreira", "Brennan", "Kim", "Dupont"]
GIVENS = ["Ada", "Sigrid", "Øystein", "Kenji", "Lúcia", "Colm", "Min-jun", "Jean-Luc"]
WORDS = [
    "grid",
    "storage",
    "cities",
    "water",
    "heat",
    "prices",
    "after",
    "despite",
    "policy",
    "tariffs",
    "rail",
    "port",
]


def family_names(count: int) -> list[str]:
    """``count`` distinct family names: the eight above, then double-barrelled ones."""
    second = ["", "-Hale", "-Rowe", "-Vance", "-Moss", "-Reid", "-Shaw", "-Lund", "-Berg", "-Cole"]
    return [
        FAMILIES[n % len(FAMILIES)] + second[n // len(FAMILIES) % len(second)] for n in range(count)
    ]


def synthetic_items(count: int, authors: int = 8, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    families = family_names(authors)
    items = []
    for n in range(count):
        authors_of_item = [
            {"family": rng.choice(families), "given": rng.choice(GIVENS)}
            for _ in range(rng.choice([1, 1, 2, 3, 5]))
        ]
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
        items.append(
            {
                "id": f"post-{n}",
                "type": "post-weblog",
                "title": title,
                "author": authors_of_item,
                "container-title": "Energy Desk",
                "publisher": "Harbour Institute",
                "issued": {"date-parts": [[rng.randint(2015, 2026), rng.randint(1, 12), 1]]},
                "URL": f"https://harbour.example.org/energy/post-{n}/",
            }
        )
    return items


def engine_throughput(count: int, authors: int) -> None:
    from masthead.citations.engine import format_bibliography
    from masthead.citations.formatting import core_styles

    items = synthetic_items(count, authors)
    print(f"Engine: {count} items per style by {authors} authors, one pandoc process per style")
    for style in core_styles():
        started = time.perf_counter()
        format_bibliography(items, style)
        elapsed = time.perf_counter() - started
        print(f"  {style.id:30} {count / elapsed:7.1f} items/s  ({elapsed:.2f} s)")


def archive(posts: int, author_count: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor

    call_command("migrate", verbosity=0)
    Institution.objects.create(name="Harbour Institute", short_name="Harbour Institute")
    blog = Blog.objects.create(name="Energy Desk", slug="energy", tagline="Energy")
    authors = [
        Author.objects.create(display_name=f"{g} {f}", given_name=g, family_name=f, slug=f"a{n}")
        for n, (g, f) in enumerate(zip(GIVENS, FAMILIES, strict=True))
    ]
    items = synthetic_items(posts)
    with transaction.atomic():
        rows = Post.objects.bulk_create(
            Post(
                blog=blog,
                title=item["title"],
                slug=f"post-{n}",
                status=Post.Status.PUBLISHED,
                body="Body.",
                publish_at="{}-{:02d}-{:02d}T09:00:00Z".format(*item["issued"]["date-parts"][0]),
            )
            for n, item in enumerate(items)
        )
        PostAuthor.objects.bulk_create(
            PostAuthor(post=row, author=authors[(n + k) % len(authors)], position=k)
            for n, row in enumerate(rows)
            for k in range(1 + n % 3)
        )
    print(
        f"Archive: {posts} posts by {author_count} authors over 12 years in SQLite, "
        "the four post-page styles"
    )
    started = time.perf_counter()
    call_command("format_citations", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    elapsed = time.perf_counter() - started
    print(f"  re-formatted {posts * 4} references in {elapsed:.1f} s ({posts * 4 / elapsed:.1f}/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument(
        "--authors", type=int, default=8, help="distinct authors; fewer means more shared names"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
        os.environ["MASTHEAD_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        import django

        django.setup()
        engine_throughput(args.items, args.authors)
        archive(args.posts, args.authors)


if __name__ == "__main__":
    main()
