"""Importing a WordPress export: two streaming passes, one transaction.

The first pass reads the whole file without writing anything: it proves the
file is a complete, well-formed WXR export of a supported version, and
gathers what posts refer to across the file (authors, term descriptions,
attachments). Only then does the second pass write, 50 items at a time, inside
one transaction: a failure anywhere leaves the database as it was, and files
copied into media storage are removed again. Nothing but the current batches
is held, so memory stays flat however long the archive.

Everything is written through the models' own methods, as an editor's save
would: ``full_clean()`` and ``save()`` for posts (which render the body and
bump the revision), and for a batch's comments ``Comment.bring_in()``, which
logs each decision and recounts each post's thread as the moderators' own
``approve()``, ``reject()`` and ``mark_spam()`` do. What derives from posts
(search documents, related posts, formatted references) is brought up to date
once per batch (``publishing.batches``); the references by the worker.

The import is in three parts: reading the export (``wxr``) and the files it
refers to (``wordpress_media``), mapping its items onto Masthead's
(``wordpress_mapping``), and writing them, here.
"""

import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from masthead.discussion.models import Comment
from masthead.importers import wordpress_html
from masthead.importers.media_fetch import FetchPolicy
from masthead.importers.models import (
    ImportedAuthor,
    ImportedComment,
    ImportedPost,
)
from masthead.importers.names import split_display_name
from masthead.importers.summary import Summary
from masthead.importers.wordpress_documents import WordPressDocuments
from masthead.importers.wordpress_mapping import (  # noqa: F401
    COAUTHORS_META,
    COMMENT_STATUS,
    IMPORTER_VERSION,
    SKIPPED_POST_STATUSES,
    WORDPRESS_DEFAULT_CATEGORY,
    WordPressMapping,
    _fit,
    _slug_from,
    _unique_slug,
    parse_wordpress_date,
)
from masthead.importers.wordpress_media import WordPressMedia
from masthead.importers.wordpress_pages import WordPressPages
from masthead.importers.wordpress_site import adopt_site_identity
from masthead.importers.wxr import (
    WxrAuthor,
    WxrChannel,
    WxrError,
    WxrItem,
    WxrTerm,
    read_channel,
    read_items,
)
from masthead.publishing import batches
from masthead.publishing.models import (
    RESERVED_BLOG_SLUGS,
    RESERVED_POST_SLUGS,
    Author,
    Blog,
    Post,
    PostAuthor,
    Topic,
)
from masthead.publishing.models.posts import validate_blog_slug
from masthead.subprocesses import PandocError

BATCH_SIZE = 50


def _claimed_by_a_page(slug: str) -> bool:
    """A top-level standing page has this address (a blog may not take it)."""
    try:
        validate_blog_slug(slug)
    except ValidationError:
        return True
    return False


class _DryRunDone(Exception):
    pass


@dataclass
class PlannedBatch:
    item_count: int
    plan: list[tuple]
    markdown: Future  # the Markdown of the plan's posts to write, in order


@dataclass
class Options:
    blog_slug: str | None = None
    media_dir: Path | None = None
    # Download the pictures from the old site (media_fetch); hosts allowed by name although
    # they resolve to private addresses.
    fetch_media: bool = False
    allowed_hosts: tuple[str, ...] = ()
    dry_run: bool = False
    blog_from_category: bool = False


def _in_batches(items: Iterable, size: int) -> Iterator[tuple]:
    """``itertools.batched`` of Python 3.12."""
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


class WordPressImport(WordPressMapping, WordPressMedia, WordPressDocuments):
    """One run of ``import_wxr``: call ``run()`` once; it returns the summary."""

    def __init__(
        self,
        path: Path,
        options: Options,
        *,
        scan_progress: Callable | None = None,
        item_progress: Callable[[int, int], None] | None = None,
    ):
        self.path = Path(path)
        self.options = options
        self.scan_progress = scan_progress
        self.item_progress = item_progress or (lambda done, total: None)
        self.summary = Summary()
        self.channel = WxrChannel()
        self.attachments: dict[int, WxrItem] = {}
        self._authors: dict[str, Author] = {}
        self._topics: dict[tuple[str, str], Topic | None] = {}
        self._blogs: dict[str, Blog] = {}
        # Pictures brought home: "attachment:ID" or an address → the cleaned full copy, or "".
        self._copies: dict[str, str] = {}
        self._attachments_by_upload: dict[str, WxrItem] | None = None
        self._old_hosts: set[str] | None = None
        self._fetch_policy = FetchPolicy.from_settings(options.allowed_hosts)
        # Addresses not brought home, and the posts showing one: importing again retries them.
        self._missing: set[str] = set()
        self._incomplete_items: set[int] = set()
        self._new_files: list[str] = []
        # Documents linked from bodies (wordpress_documents): old address → address here or "".
        self._documents: dict[str, str] = {}
        self._missing_documents: set[str] = set()
        self._default_blog: Blog | None = None
        # Pages and menu entries, written after the posts (wordpress_pages).
        self.standing_pages = WordPressPages(self)

    # --- the run -------------------------------------------------------------------
    def run(self) -> Summary:
        if self.options.media_dir is not None and not self.options.media_dir.is_dir():
            raise WxrError(f"--media-dir {self.options.media_dir} is not a directory.")
        self.channel, self.attachments = read_channel(self.path, self.scan_progress)
        try:
            with (
                transaction.atomic(),
                batches.posts_in_batches(),
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="pandoc") as converter,
            ):
                self._default_blog = self._choose_default_blog()
                adopt_site_identity(self.channel, self.summary)
                # pandoc converts one batch while the previous one is written: it runs as its
                # own process, so the two overlap on a second core.
                done = 0
                waiting: PlannedBatch | None = None
                for batch in _in_batches(read_items(self.path), BATCH_SIZE):
                    planned = self._plan_batch(list(batch), converter)
                    if waiting is not None:
                        done += self._write_batch(waiting)
                        self.item_progress(done, self.channel.item_count)
                    waiting = planned
                if waiting is not None:
                    done += self._write_batch(waiting)
                self.standing_pages.write()
                self.item_progress(done, self.channel.item_count)
                if self.options.dry_run:
                    raise _DryRunDone
        except _DryRunDone:
            pass
        except BaseException:
            self._remove_new_files()
            raise
        return self.summary

    def _remove_new_files(self) -> None:
        for name in self._new_files:
            default_storage.delete(name)

    def _plan_batch(self, items: list[WxrItem], converter: Executor) -> "PlannedBatch":
        """Everything but the posts, and the posts' plan with their conversion under way."""
        posts = []
        for item in items:
            if item.type == "post":
                posts.append(item)
            elif item.type == "attachment":
                self._import_attachment_record(item)
            elif self.standing_pages.take(item):
                continue  # a page or a menu entry: written after the posts
            else:
                self.summary.count("other items", "skipped", f"post type “{item.type}”")
        plan = self._plan_posts(posts)
        to_convert = [work[0].html for _, _, work in plan if work is not None]
        # A dry run writes nothing, so it need not run pandoc: the counts come from the plan.
        if self.options.dry_run:
            markdown = Future()
            markdown.set_result(to_convert)
        else:
            markdown = converter.submit(wordpress_html.to_markdown, to_convert)
        return PlannedBatch(len(items), plan, markdown)

    def _write_batch(self, batch: "PlannedBatch") -> int:
        try:
            markdown = batch.markdown.result()
        except PandocError as error:
            raise WxrError(
                f"{self.path.name}: pandoc could not convert these posts to Markdown "
                f"({error}); nothing was imported."
            ) from None
        self._write_posts(batch.plan, iter(markdown))
        # Search documents, related-post caches and the citation formatting of this batch's
        # posts: once for the batch rather than several times per post (see publishing.batches).
        batches.flush()
        return batch.item_count

    # --- blogs -----------------------------------------------------------------------
    def _choose_default_blog(self) -> Blog | None:
        """The --blog, checked before anything is written; None: made when first needed."""
        if self.options.blog_slug:
            blog = Blog.objects.filter(slug=self.options.blog_slug).first()
            if blog is None:
                existing = ", ".join(Blog.objects.values_list("slug", flat=True)) or "none yet"
                raise WxrError(
                    f"there is no blog “{self.options.blog_slug}” (existing blogs: {existing}); "
                    "leave out --blog to create one named after the export."
                )
            return blog
        return None

    def _fallback_blog(self) -> Blog:
        if self._default_blog is None:
            name = self.channel.title or "Imported from WordPress"
            slug = _slug_from(name) or "imported"
            self._default_blog = self._blog(slug, name, self.channel.description)
        return self._default_blog

    def _blog(self, slug: str, name: str, tagline: str) -> Blog:
        if slug in RESERVED_BLOG_SLUGS or _claimed_by_a_page(slug):
            slug = f"{slug}-blog"
        slug = slug[:60]
        if slug in self._blogs:
            return self._blogs[slug]
        blog = Blog.objects.filter(slug=slug).first()
        if blog is None:
            blog = Blog(
                slug=slug,
                name=_fit(name, 120),
                tagline=_fit(wordpress_html.plain_text(tagline) or f"Posts from {name}", 200),
            )
            blog.full_clean()
            blog.save()
            self.summary.count("blogs", "created")
        else:
            self.summary.count("blogs", "unchanged")
        self._blogs[slug] = blog
        return blog

    # --- authors ---------------------------------------------------------------------
    def _author(self, login: str, item: WxrItem) -> Author:
        login = login[:200]
        if login in self._authors:
            return self._authors[login]
        record = ImportedAuthor.objects.select_related("author").filter(login=login).first()
        if record is not None:
            self.summary.count("authors", "unchanged", "matched by login")
            self._authors[login] = record.author
            return record.author
        known = self.channel.authors.get(login)
        if known is None:
            if login:
                self.summary.warn(
                    f"post {item.id} names the author “{login}”, who is not among the "
                    "export's authors: a byline author was made from the login."
                )
                known = WxrAuthor(login=login, display_name=login)
            else:
                self.summary.warn(
                    f"post {item.id} has no author: it is credited to the site "
                    f"“{self.channel.title or 'WordPress'}” as an institutional author."
                )
        author = self._new_author(known, login)
        ImportedAuthor.objects.create(login=login, author=author)
        self.summary.count("authors", "created")
        self._authors[login] = author
        return author

    def _new_author(self, known: WxrAuthor | None, login: str) -> Author:
        if known is None:
            name = _fit(self.channel.title or "WordPress", 120)
            author = Author(display_name=name, is_institutional=True)
        else:
            first, last = known.first_name.strip(), known.last_name.strip()
            display = known.display_name.strip() or f"{first} {last}".strip() or known.login
            if known.institutional:
                first = last = ""
            elif not last:
                first, last = split_display_name(display)
            author = Author(
                display_name=_fit(display, 120),
                given_name=_fit(first, 80),
                family_name=_fit(last, 80),
                is_institutional=known.institutional,
                role=_fit(known.role, 160),
                bio=known.bio[:2000],
            )
        # WordPress addresses authors by login too (/author/<login>/), so it makes the slug.
        author.slug = _unique_slug(
            _slug_from(login, author.display_name) or "author",
            lambda s: Author.objects.filter(slug=s).exists(),
            80,
        )
        author.full_clean()
        author.save()
        return author

    # --- topics ----------------------------------------------------------------------
    def _topic(self, term: WxrTerm) -> Topic | None:
        key = (term.kind, term.slug)
        if key in self._topics:
            return self._topics[key]
        topic = None
        if term.kind == "category" and term.slug == WORDPRESS_DEFAULT_CATEGORY:
            self.summary.count("topics", "skipped", "WordPress's default category “Uncategorized”")
        else:
            slug = _slug_from(term.slug, term.name)
            name = _fit(term.name or term.slug, 80)
            if not slug:
                slug = "topic-" + hashlib.sha256(name.encode()).hexdigest()[:8]
            topic = (
                Topic.objects.filter(slug=slug).first()
                or Topic.objects.filter(name__iexact=name).first()
            )
            if topic is None:
                known = self.channel.terms.get(key)
                topic = Topic(
                    slug=slug[:80],
                    name=name,
                    description=wordpress_html.plain_text(known.description) if known else "",
                )
                topic.full_clean()
                topic.save()
                self.summary.count("topics", "created")
            else:
                self.summary.count("topics", "unchanged", "already here (matched by slug or name)")
        self._topics[key] = topic
        return topic

    # --- posts -----------------------------------------------------------------------
    def _write_posts(self, plan: list[tuple], markdown: Iterator[str]) -> None:
        new_comments: list[Comment] = []
        links: list[ImportedComment] = []
        for item, record, work in plan:
            is_new = record is None
            if work is not None:
                prepared, fingerprint = work
                body = wordpress_html.finish(next(markdown), prepared)
                record = self._write_post(item, record, prepared, body, fingerprint)
                if record is not None and prepared.images:
                    self._show_body_images(record, prepared, body)
            if record is not None:
                self._plan_comments(item, record, is_new, new_comments, links)
            else:
                self._skip_comments(item, "on a post that is not imported")
        # Written together for the batch: the comments (parents first), their decisions and
        # each post's counts, then the records that make a re-import skip them.
        Comment.bring_in(new_comments, rejection_reason="In WordPress's trash when imported")
        for link in links:
            link.comment_id = link.comment.pk
        ImportedComment.objects.bulk_create(links)

    def _write_post(self, item, record, prepared, body, fingerprint) -> ImportedPost | None:
        status, publish_at, hidden_because = self._status(item)
        creating = record is None
        post = Post() if creating else record.post
        blog_term = None
        if creating:
            post.blog = self._blog_for(item)
            if self.options.blog_from_category:
                blog_term = next(
                    (t for t in item.terms if t.kind == "category" and t.slug != "uncategorized"),
                    None,
                )
        post.title = _fit(self._plain_title(item), 240) or "Untitled"
        post.status = status
        post.publish_at = publish_at
        post.summary = self._summary_text(item, prepared)
        # Pictures brought home are shown from here once the post has an id (below); until
        # then they stand at their original addresses.
        post.body = wordpress_html.with_pictures(body, prepared, {})
        post.comments_open = item.comment_status == "open"
        # Fields WordPress has no place for, as Masthead's own export writes them.
        post.correction_note = item.meta.get("_masthead_correction_note", "")
        post.updated_at = parse_wordpress_date("", item.meta.get("_masthead_updated_at_gmt", ""))
        if creating:
            base = _slug_from(item.slug, item.title) or f"post-{item.id}"
            if base in RESERVED_POST_SLUGS:
                base = f"{base}-post"
            post.slug = _unique_slug(
                base, lambda s: Post.objects.filter(blog=post.blog, slug=s).exists(), 120
            )
        self._set_featured_image(post, item)
        # The editor's form asks for a body; an archive may hold a post without one, which is
        # kept as it was rather than lost (the editor is asked for a body on the next edit).
        exclude = None
        if not post.body.strip():
            exclude = ["body"]
            self.summary.note("posts", "empty in WordPress: imported with an empty body")
        try:
            post.full_clean(exclude=exclude)
        except ValidationError as error:
            messages = "; ".join(error.messages)
            self.summary.count("posts", "skipped", "not valid here")
            self.summary.warn(f"post {item.id} “{item.title}” was not imported: {messages}")
            return None
        post.save()
        byline = [self._author(item.creator, item)]
        # Co-authors, as Masthead's own export writes them: logins after the first author.
        for login in filter(None, item.meta.get(COAUTHORS_META, "").split(",")):
            coauthor = self._author(login.strip(), item)
            if coauthor not in byline:
                byline.append(coauthor)
        if creating or [link.author_id for link in post.bylines.all()] != [a.pk for a in byline]:
            if not creating:
                post.bylines.all().delete()
            for position, author in enumerate(byline):
                PostAuthor.objects.create(post=post, author=author, position=position)
        topics = self._topics_for(item, blog_term)
        if creating:
            if topics:
                post.topics.add(*topics)
        else:
            post.topics.set(topics)
        if hidden_because:
            self.summary.note("posts", f"kept as a draft: {hidden_because}")
        if item.id in self._incomplete_items:
            # A picture did not come home: a fingerprint no import matches, so the next one
            # plans this post again and fetches what is still missing.
            fingerprint = hashlib.sha256(f"incomplete {fingerprint}".encode()).hexdigest()
        old_path = unquote(urlsplit(item.link).path) if item.link else ""
        if old_path in ("", "/"):
            old_path = ""  # plain permalinks (/?p=ID) are answered from the id
        if creating:
            record = ImportedPost.objects.create(
                wordpress_id=item.id,
                guid=item.guid,
                post=post,
                old_path=old_path[:500],
                fingerprint=fingerprint,
                revision=post.revision,
            )
            self.summary.count("posts", "created", f"as {post.get_status_display().lower()}")
        else:
            record.old_path = old_path[:500]
            record.fingerprint = fingerprint
            record.revision = post.revision
            record.save()
            self.summary.count("posts", "updated", "changed in WordPress since the last import")
        return record

    def _show_body_images(self, record: ImportedPost, prepared, body: str) -> None:
        """The post's pictures as its own ``BodyImage``s, named ``image:N`` in its body,
        as the editor's "Insert image" makes them; then the post saved again."""
        post = record.post
        named = {}
        for number, picture in enumerate(prepared.images):
            stored = picture.stored
            if stored and not self.options.dry_run:
                alt = self._picture_alt(picture.url, picture.alt)
                named[number] = self._body_image(post, stored, alt, picture.caption)
        # An update's earlier pictures that the new body no longer shows go.
        for earlier in post.body_images.exclude(pk__in=[p.pk for p in named.values()]):
            earlier.delete()
        if not named:
            return
        post.body = wordpress_html.with_pictures(body, prepared, named)
        post.full_clean()
        post.save()
        record.revision = post.revision
        record.save(update_fields=["revision"])
        self.summary.note("posts", "pictures in bodies shown from here (with srcset)", len(named))

    # --- comments --------------------------------------------------------------------
    def _skip_comments(self, item: WxrItem, reason: str) -> None:
        for comment in item.comments:
            self.summary.count("comments", "skipped", self._pingback(comment) or reason)

    def _plan_comments(self, item, record, is_new, new_comments, links) -> None:
        """The post's comments not yet here, as unsaved comments and records, in id order."""
        known = {}
        if not is_new:
            known = {
                link.wordpress_id: link.comment
                for link in ImportedComment.objects.filter(imported_post=record).select_related(
                    "comment"
                )
            }
        # WordPress numbers comments in order, so a parent comes before its replies.
        for wxr_comment in sorted(item.comments, key=lambda c: c.id):
            pingback = self._pingback(wxr_comment)
            if pingback:
                self.summary.count("comments", "skipped", pingback)
                continue
            if wxr_comment.id in known:
                self.summary.count(
                    "comments", "unchanged", "already imported (moderation here decides its state)"
                )
                continue
            comment = self._new_comment(wxr_comment, record, known, item)
            if comment is not None:
                new_comments.append(comment)
                links.append(
                    ImportedComment(
                        imported_post=record, wordpress_id=wxr_comment.id, comment=comment
                    )
                )
                known[wxr_comment.id] = comment
