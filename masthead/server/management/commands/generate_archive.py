"""`masthead generate_archive --posts N --comments M`: a large archive for benchmarks.

Text is made here from a small word list combined at random with a fixed seed,
so two runs with the same arguments make the same archive. Rows are written
with ``bulk_create`` in batches (no per-row signals): the derived data the
pages read is filled in directly (rendered bodies, bylines, topics, the
discussions' stored counts). Afterwards, run ``masthead rebuild_search`` if
search is to be measured too.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.discussion.models import Comment, Thread
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic
from masthead.publishing.rendering import render_markdown

WORD_LIST = """
grid storage tariff transit housing budget water harbour council ferry river
school clinic wage price market forecast rainfall drought levee pension rent
bus lane bridge tunnel port freight cargo solar wind turbine battery cable
meter audit ledger deficit bond auction subsidy quota permit zoning density
district county ward ballot turnout survey sample census estimate trend slope
winter summer autumn spring morning evening decade century quarter annual
careful modest steady sharp slow rapid uneven local regional national public
private shared fair costly cheap early late rising falling stable fragile
measure compare explain question weigh adjust delay expand reduce fund build
repair plan test count publish review argue propose observe predict revise
reader editor analyst planner engineer nurse teacher farmer driver tenant
evidence argument method result caveat exception baseline scenario pathway
"""
WORDS = WORD_LIST.split()
GIVEN_NAMES = "Ada Ben Carla Dev Esme Farid Greta Hugo Ines Jonas Kemi Luca Mira Nils Oona Pavel"
GIVEN = GIVEN_NAMES.split()
FAMILY_NAMES = "Okafor Lindqvist Moreau Tanaka Silva Novak Haddad Brennan Kowalski Osei Varga"
FAMILY = FAMILY_NAMES.split()
BATCH = 2000


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    return words(rng, rng.randint(low, high)).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


class Command(BaseCommand):
    help = "Fills an empty database with a large generated archive (posts and comments)."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=10_000)
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--blogs", type=int, default=5)
        parser.add_argument("--authors", type=int, default=60)
        parser.add_argument("--topics", type=int, default=40)
        parser.add_argument("--years", type=int, default=10, help="spread over this many years")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force", action="store_true", help="add to a database that already has posts"
        )

    def handle(self, *args, posts, comments, blogs, authors, topics, years, seed, force, **opts):
        if min(posts, blogs, authors, topics, years) < 1 or comments < 0:
            raise CommandError("--posts, --blogs, --authors, --topics and --years must be ≥ 1.")
        if Post.objects.exists() and not force:
            raise CommandError(
                "This database already has posts; generate_archive is for an empty one "
                "(a benchmark database). --force adds the archive anyway."
            )
        rng = random.Random(seed)
        started = time.monotonic()
        with transaction.atomic():
            if not Institution.objects.exists():
                Institution.objects.create(
                    name="Generated Institute for Benchmarks", short_name="Generated Institute"
                )
            blog_rows = self.make_blogs(rng, blogs)
            author_rows = self.make_authors(rng, authors)
            topic_rows = self.make_topics(rng, topics)
        post_ids = self.make_posts(rng, posts, years, blog_rows, author_rows, topic_rows)
        self.make_comments(rng, comments, post_ids)
        # The query planner's statistics: without them SQLite sorts every public post to
        # find a feed's latest twenty, where it could walk the publish-time index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {posts} posts and {comments} comments in "
            f"{time.monotonic() - started:.0f} s."
        )

    def progress(self, kind: str, done: int, total: int) -> None:
        self.stdout.write(f"  {kind}: {done:,}/{total:,}")
        self.stdout.flush()

    # Numbered after the rows already there, so a --force run adds without a slug clash.
    def make_blogs(self, rng, count):
        rows = []
        for n in range(Blog.objects.count(), Blog.objects.count() + count):
            name = f"{words(rng, 2).title()} Desk"
            rows.append(Blog(name=name, slug=f"desk-{n + 1}-{slugify(name)}"[:50],
                             tagline=f"Experts give their take on {words(rng, 3)}",
                             position=n))  # fmt: skip
        return Blog.objects.bulk_create(rows)

    def make_authors(self, rng, count):
        rows = []
        for n in range(Author.objects.count(), Author.objects.count() + count):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            rows.append(Author(display_name=f"{given} {family}", given_name=given,
                               family_name=family, slug=f"{slugify(given)}-{slugify(family)}-{n}",
                               role="Fellow", bio=sentence(rng)))  # fmt: skip
        return Author.objects.bulk_create(rows)

    def make_topics(self, rng, count):
        first = Topic.objects.count()
        rows = [
            Topic(name=f"{words(rng, 2).title()} {n + 1}", slug=f"topic-{n + 1}")
            for n in range(first, first + count)
        ]
        return Topic.objects.bulk_create(rows)

    def make_posts(self, rng, count, years, blogs, authors, topics) -> list[int]:
        now = timezone.now()
        span = datetime.timedelta(days=365 * years).total_seconds()
        # A few prolific authors and popular topics: their pages list thousands of posts.
        author_weights = [1 / (rank + 1) for rank in range(len(authors))]
        topic_weights = [1 / (rank + 1) for rank in range(len(topics))]
        # Bodies are rendered once each and reused: a benchmark needs volume, not variety.
        bodies = []
        for _ in range(min(count, 300)):
            body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(3, 7)))
            bodies.append((body, render_markdown(body)))
        ids = []
        for start in range(0, count, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, count)):
                title = sentence(rng, 4, 9).rstrip(".")
                body, body_html = rng.choice(bodies)
                batch.append(Post(
                    blog=rng.choice(blogs), title=title, slug=f"{slugify(title)[:100]}-{n}",
                    status=Post.Status.PUBLISHED,
                    publish_at=now - datetime.timedelta(seconds=rng.uniform(3600, span)),
                    summary=sentence(rng), body=body, body_html=body_html,
                ))  # fmt: skip
            with transaction.atomic():
                created = Post.objects.bulk_create(batch)
                bylines, links = [], []
                for post in created:
                    chosen = {id(a): a for a in rng.choices(authors, author_weights, k=2)}
                    for position, author in enumerate(list(chosen.values())[: rng.randint(1, 2)]):
                        bylines.append(PostAuthor(post=post, author=author, position=position))
                    for topic in {
                        t.pk: t for t in rng.choices(topics, topic_weights, k=2)
                    }.values():
                        links.append(Post.topics.through(post_id=post.pk, topic_id=topic.pk))
                PostAuthor.objects.bulk_create(bylines)
                Post.topics.through.objects.bulk_create(links)
            ids += [post.pk for post in created]
            self.progress("posts", len(ids), count)
        return ids

    def make_comments(self, rng, count, post_ids) -> None:
        if not count:
            return
        texts = []
        for _ in range(min(count, 300)):
            sample = Comment()
            sample.set_text(" ".join(sentence(rng) for _ in range(rng.randint(1, 4))))
            texts.append(sample)
        # One post carries a long discussion (a post page with 1,000+ comments); the rest
        # are spread unevenly, as readers are.
        heavy = post_ids[0]
        weights = [1 / (rank % 500 + 1) for rank in range(len(post_ids))]
        counts: dict[int, tuple[int, int]] = {}
        made = 0
        now = timezone.now()
        while made < count:
            size = min(BATCH * 5, count - made)
            targets = [heavy] * min(size, max(0, 1500 - counts.get(heavy, (0, 0))[0]))
            targets += rng.choices(post_ids, weights, k=size - len(targets))
            batch = []
            for post_id in targets:
                text = rng.choice(texts)
                batch.append(Comment(
                    post_id=post_id, status=Comment.Status.APPROVED,
                    author_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    email=f"reader{rng.randint(1, 50_000)}@example.org",
                    body=text.body, body_html=text.body_html,
                    body_fingerprint=text.body_fingerprint,
                    created_at=now - datetime.timedelta(seconds=rng.uniform(0, 3e8)),
                    decided_at=now,
                ))  # fmt: skip
                total, roots = counts.get(post_id, (0, 0))
                counts[post_id] = (total + 1, roots + 1)
            with transaction.atomic():
                Comment.objects.bulk_create(batch, batch_size=BATCH)
            made += size
            self.progress("comments", made, count)
        existing = set(Thread.objects.filter(post_id__in=counts).values_list("post_id", flat=True))
        Thread.objects.bulk_create(
            [Thread(post_id=post_id, approved_count=total, approved_root_count=roots, version=1)
             for post_id, (total, roots) in counts.items() if post_id not in existing],
            batch_size=BATCH,
        )  # fmt: skip
        for thread in Thread.objects.filter(post_id__in=existing):
            thread.recount()
