"""What related posts cost: the scoring query's time on a large archive, and the post page's
queries with the list cold and cached.

    .venv/bin/python bench/related_posts.py [--posts 10000] [--samples 200]

Builds an archive in a throwaway SQLite database, each post with one to three of 60
authors and one to four of 80 topics, then scores the related posts of ``--samples``
posts picked at random. Prints figures; passes or fails nothing.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_archive(posts: int, seed: int = 11) -> None:
    from django.utils import timezone

    from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

    rng = random.Random(seed)
    Institution.objects.get_or_create(name="Bench Institute", short_name="Bench")
    blogs = [
        Blog.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}"})[0]
        for n in range(4)
    ]
    authors = [
        Author.objects.get_or_create(
            slug=f"bench-author-{n}",
            defaults={"display_name": f"Author {n}", "family_name": f"Author {n}"},
        )[0]
        for n in range(60)
    ]
    topics = [
        Topic.objects.get_or_create(slug=f"bench-topic-{n}", defaults={"name": f"Bench topic {n}"})[
            0
        ]
        for n in range(80)
    ]
    now = timezone.now()
    created = Post.objects.bulk_create(
        Post(
            blog=rng.choice(blogs),
            title=f"Bench post {n}",
            slug=f"bench-post-{n}",
            status=Post.Status.PUBLISHED,
            publish_at=now - datetime.timedelta(hours=rng.randrange(24 * 365 * 8)),
            body="Text.",
            body_html="<p>Text.</p>",
        )
        for n in range(posts)
    )
    PostAuthor.objects.bulk_create(
        PostAuthor(post=post, author=author, position=position)
        for post in created
        for position, author in enumerate(rng.sample(authors, rng.randint(1, 3)))
    )
    Post.topics.through.objects.bulk_create(
        Post.topics.through(post_id=post.pk, topic_id=topic.pk)
        for post in created
        for topic in rng.sample(topics, rng.randint(1, 4))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["MASTHEAD_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from masthead.publishing.models import Post
        from masthead.publishing.related import score_related

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build_archive(args.posts)
        print(f"database: {connection.vendor}; archive of {args.posts:,} posts built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip

        sample = random.Random(5).sample(
            list(Post.objects.with_byline().prefetch_related("topics")), args.samples
        )
        timings = []
        for post in sample:
            started = time.perf_counter()
            score_related(post)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"scoring one post's related posts ({args.samples} posts): "
              f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")  # fmt: skip

        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        post = sample[0]
        cache.clear()
        for label in ("cold", "cached"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(post.get_absolute_url())
                elapsed = (time.perf_counter() - started) * 1000
            print(f"post page, related posts {label}: {len(queries.captured_queries)} queries, "
                  f"{elapsed:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
