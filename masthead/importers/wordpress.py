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
"""

import datetime
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError

from masthead.client_limits import hash_ip
from masthead.discussion.models import Comment
from masthead.discussion.text import clean_line, clean_text
from masthead.importers import wordpress_html
from masthead.importers.models import (
    ImportedAttachment,
    ImportedAuthor,
    ImportedComment,
    ImportedPost,
)
from masthead.importers.names import split_display_name
from masthead.importers.summary import Summary
from masthead.importers.wxr import (
    WxrAuthor,
    WxrChannel,
    WxrComment,
    WxrError,
    WxrItem,
    WxrTerm,
    read_channel,
    read_items,
)
from masthead.publishing import batches, media
from masthead.publishing.images import prepare_body_image
from masthead.publishing.models import (
    RESERVED_BLOG_SLUGS,
    RESERVED_POST_SLUGS,
    Author,
    Blog,
    Post,
    PostAuthor,
    Topic,
)
from masthead.subprocesses import PandocError

# Bump when the importer's output for the same input changes, so re-imports update.
IMPORTER_VERSION = "1"
BATCH_SIZE = 50
COAUTHORS_META = "_masthead_coauthors"
WORDPRESS_DEFAULT_CATEGORY = "uncategorized"

COMMENT_STATUS = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,
}
SKIPPED_POST_STATUSES = {
    "trash": "in WordPress's trash",
    "auto-draft": "an unsaved WordPress auto-draft",
    "inherit": "a revision",
}


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
    dry_run: bool = False
    blog_from_category: bool = False


def parse_wordpress_date(local: str, gmt: str) -> datetime.datetime | None:
    """The moment a date names: from ``*_gmt`` when set, else the local date in our zone."""
    for value, zone in ((gmt, datetime.UTC), (local, timezone.get_default_timezone())):
        if not value or value.startswith("0000-00-00"):
            continue
        try:
            naive = datetime.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return naive.replace(tzinfo=zone)
    return None


def _fit(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"


def _unique_slug(base: str, taken: Callable[[str], bool], length: int) -> str:
    slug = base[:length].strip("-") or "item"
    number = 2
    candidate = slug
    while taken(candidate):
        suffix = f"-{number}"
        candidate = slug[: length - len(suffix)] + suffix
        number += 1
    return candidate


def _in_batches(items: Iterable, size: int) -> Iterator[tuple]:
    """``itertools.batched`` of Python 3.12."""
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


def _slug_from(*candidates: str) -> str:
    for candidate in candidates:
        slug = slugify(unquote(candidate or ""))
        if slug:
            return slug
    return ""


class WordPressImport:
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
        self._stored_attachments: dict[int, str] = {}
        self._stored_uploads: dict[str, str] = {}
        self._new_files: list[str] = []
        self._default_blog: Blog | None = None

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
            elif item.type == "page":
                # Masthead has no standing pages yet: pages are counted, not imported.
                self.summary.count("pages", "skipped", "pages are not imported (see README)")
                self._skip_comments(item, "on a page, which is not imported")
            elif item.type == "nav_menu_item":
                self.summary.count("other items", "skipped", "menu item")
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
        if slug in RESERVED_BLOG_SLUGS:
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

    def _blog_for(self, item: WxrItem) -> Blog:
        if self.options.blog_from_category:
            for term in item.terms:
                if term.kind == "category" and term.slug != WORDPRESS_DEFAULT_CATEGORY:
                    known = self.channel.terms.get(("category", term.slug))
                    return self._blog(
                        _slug_from(term.slug, term.name) or "imported",
                        term.name or term.slug,
                        known.description if known else "",
                    )
        return self._fallback_blog()

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
    def _topics_for(self, item: WxrItem, blog_term: WxrTerm | None) -> list[Topic]:
        topics = []
        for term in item.terms:
            if term.kind not in ("category", "post_tag") or term is blog_term:
                continue
            topic = self._topic(term)
            if topic is not None and topic not in topics:
                topics.append(topic)
        return topics

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

    # --- attachments and media -------------------------------------------------------
    def _import_attachment_record(self, item: WxrItem) -> None:
        record = ImportedAttachment.objects.filter(wordpress_id=item.id, guid=item.guid).first()
        stored = self._store_attachment(item) if self.options.media_dir else ""
        fields = {
            "url": _fit(item.attachment_url or item.guid, 500),
            "title": _fit(item.title, 300),
            "caption": wordpress_html.plain_text(item.excerpt),
            "alt_text": _fit(item.meta.get("_wp_attachment_image_alt", ""), 300),
            "stored_file": stored or (record.stored_file if record else ""),
        }
        if record is None:
            ImportedAttachment.objects.create(wordpress_id=item.id, guid=item.guid, **fields)
            self.summary.count("attachments", "created")
        elif any(getattr(record, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(record, key, value)
            record.save()
            self.summary.count("attachments", "updated")
        else:
            self.summary.count("attachments", "unchanged")
        if not self.options.media_dir:
            self.summary.note("attachments", "kept as their original address (no --media-dir)")

    @staticmethod
    def _upload_path(url: str) -> str:
        """``https://site/wp-content/uploads/2013/03/a.jpg`` → ``2013/03/a.jpg``."""
        path = unquote(urlsplit(url).path)
        marker = "/uploads/"
        return path.split(marker, 1)[1] if marker in path else ""

    def _store_upload(self, relative: str) -> str:
        """Copy one file from --media-dir into media storage; its stored name, or ""."""
        if not relative:
            return ""
        if relative in self._stored_uploads:
            return self._stored_uploads[relative]
        root = self.options.media_dir.resolve()
        source = (root / relative).resolve()
        stored = ""
        if not source.is_relative_to(root):
            self.summary.warn(f"refused a file path outside --media-dir: {relative}")
        elif not source.is_file():
            self.summary.note("attachments", "file not found in --media-dir (address kept)")
        else:
            try:
                with Image.open(source) as image:
                    image.verify()
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                self.summary.note("attachments", "not an image: file not copied (address kept)")
            else:
                target = f"wordpress/{relative}"
                size = source.stat().st_size
                if default_storage.exists(target) and default_storage.size(target) == size:
                    stored = target  # copied by an earlier import
                elif self.options.dry_run:
                    stored = target
                    self.summary.note("attachments", "file copied from --media-dir")
                else:
                    with source.open("rb") as handle:
                        stored = default_storage.save(target, File(handle))
                    self._new_files.append(stored)
                    self.summary.note("attachments", "file copied from --media-dir")
        self._stored_uploads[relative] = stored
        return stored

    def _store_attachment(self, item: WxrItem) -> str:
        if item.id not in self._stored_attachments:
            relative = item.meta.get("_wp_attached_file") or self._upload_path(item.attachment_url)
            self._stored_attachments[item.id] = self._store_upload(relative.lstrip("/"))
        return self._stored_attachments[item.id]

    def _image_url(self, url: str) -> str:
        """A body image's address: our copy when --media-dir has the file, else the original."""
        if not self.options.media_dir:
            return url
        stored = self._store_upload(self._upload_path(url))
        return default_storage.url(stored) if stored else url

    def _gallery_images(self, post: WxrItem) -> Callable[[dict], list]:
        def images(attrs: dict) -> list[wordpress_html.GalleryImage]:
            ids = [int(i) for i in attrs.get("ids", "").replace(" ", "").split(",") if i.isdigit()]
            chosen = (
                [self.attachments[i] for i in ids if i in self.attachments]
                if ids
                else [a for a in self.attachments.values() if a.parent_id == post.id]
            )
            return [
                wordpress_html.GalleryImage(
                    url=self._image_url(a.attachment_url or a.guid),
                    alt=a.meta.get("_wp_attachment_image_alt", "") or a.title,
                    caption=wordpress_html.plain_text(a.excerpt),
                )
                for a in chosen
            ]

        return images

    # --- posts -----------------------------------------------------------------------
    def _status(self, item: WxrItem) -> tuple[str, datetime.datetime | None, str]:
        """(status, publish time, why it is not public) for a WordPress post."""
        when = parse_wordpress_date(item.date, item.date_gmt)
        if item.status == "publish":
            if item.password:
                return Post.Status.DRAFT, None, "password-protected in WordPress"
            if when is None:
                return Post.Status.PUBLISHED, timezone.now(), ""
            if when > timezone.now():
                return Post.Status.SCHEDULED, when, ""
            return Post.Status.PUBLISHED, when, ""
        if item.status == "future" and when is not None:
            return Post.Status.SCHEDULED, when, ""
        if item.status == "private":
            return Post.Status.DRAFT, None, "private in WordPress"
        return Post.Status.DRAFT, None, f"{item.status or 'no status'} in WordPress"

    def _fingerprint(self, item: WxrItem) -> str:
        thumbnail = self.attachments.get(int(item.meta.get("_thumbnail_id") or 0))
        source = [
            IMPORTER_VERSION, item.title, item.content, item.excerpt, item.status, item.date,
            item.date_gmt, item.slug, item.password, item.creator, item.comment_status,
            [(t.kind, t.slug, t.name) for t in item.terms],
            (thumbnail.attachment_url, thumbnail.excerpt, thumbnail.meta) if thumbnail else None,
            str(self.options.media_dir or ""),
            sorted((k, v) for k, v in item.meta.items() if k.startswith("_masthead_")),
        ]  # fmt: skip
        if "footnotes" in item.meta:
            # Only posts with notes: the fingerprints of all others stay as they were.
            source.append(item.meta["footnotes"])
        return hashlib.sha256(json.dumps(source, default=str).encode()).hexdigest()

    def _plan_posts(self, items: list[WxrItem]) -> list[tuple]:
        """(item, its earlier import or None, (prepared HTML, fingerprint) or None if kept)."""
        plan = []
        earlier = {
            (record.wordpress_id, record.guid): record
            for record in ImportedPost.objects.select_related("post").filter(
                wordpress_id__in=[item.id for item in items]
            )
        }
        for item in items:
            if item.status in SKIPPED_POST_STATUSES:
                self.summary.count("posts", "skipped", SKIPPED_POST_STATUSES[item.status])
                self._skip_comments(item, "on a post that is not imported")
                continue
            record = earlier.get((item.id, item.guid))
            fingerprint = self._fingerprint(item)
            if record is not None and record.fingerprint == fingerprint:
                self.summary.count("posts", "unchanged", "unchanged since the last import")
                plan.append((item, record, None))
            elif record is not None and record.post.revision != record.revision:
                self.summary.count(
                    "posts", "skipped", "edited in Masthead since the last import; left as it is"
                )
                plan.append((item, record, None))
            else:
                prepared = wordpress_html.prepare(
                    item.content,
                    self._gallery_images(item),
                    self._image_url,
                    footnotes_meta=item.meta.get("footnotes", ""),
                )
                for what, times in prepared.counts.items():
                    self.summary.note("posts", what, times)
                plan.append((item, record, (prepared, fingerprint)))
        return plan

    def _write_posts(self, plan: list[tuple], markdown: Iterator[str]) -> None:
        new_comments: list[Comment] = []
        links: list[ImportedComment] = []
        for item, record, work in plan:
            is_new = record is None
            if work is not None:
                prepared, fingerprint = work
                body = wordpress_html.finish(next(markdown), prepared)
                record = self._write_post(item, record, prepared, body, fingerprint)
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

    def _summary_text(self, item: WxrItem, prepared) -> str:
        if item.excerpt.strip():
            return wordpress_html.plain_text(item.excerpt, 600)
        if prepared.teaser_html is not None:
            return wordpress_html.plain_text(prepared.teaser_html, 600)
        return ""

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
        post.title = _fit(item.title.strip(), 240) or "Untitled"
        post.status = status
        post.publish_at = publish_at
        post.summary = self._summary_text(item, prepared)
        post.body = body
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

    def _set_featured_image(self, post: Post, item: WxrItem) -> None:
        thumbnail_id = item.meta.get("_thumbnail_id", "")
        if not thumbnail_id.isdigit():
            return
        attachment = self.attachments.get(int(thumbnail_id))
        if attachment is None:
            self.summary.warn(
                f"post {item.id}'s featured image ({thumbnail_id}) is not in the export"
            )
            return
        if not self.options.media_dir:
            self.summary.note("posts", "featured image kept as its address only (no --media-dir)")
            return
        stored = self._store_attachment(attachment)
        if not stored:
            return
        caption = wordpress_html.plain_text(attachment.excerpt)
        alt = attachment.meta.get("_wp_attachment_image_alt", "").strip()
        if not alt:
            self.summary.note("posts", "featured image without alt text: its caption or title used")
        if not self._clean_featured_image(post, stored, item):
            return
        post.image_alt = _fit(alt or caption or attachment.title or post.title, 300)
        post.image_caption = _fit(caption, 300)
        post.image_credit = _fit(item.meta.get("_masthead_image_credit", ""), 200)
        self.summary.note("posts", "featured image copied from --media-dir")

    def _clean_featured_image(self, post: Post, stored: str, item: WxrItem) -> bool:
        """The featured image through the pictures' pipeline (re-encoded, no camera metadata,
        a random folder, narrower copies), kept privately until the post is public."""
        if self.options.dry_run:
            post.featured_image.name = stored
            return True
        if post.pk and media.PIPELINE_NAME.match(post.featured_image.name or ""):
            return True  # cleaned by an earlier import of this post
        try:
            with default_storage.open(stored) as handle:
                prepared = prepare_body_image(handle)
        except ValidationError as refusal:
            self.summary.warn(
                f"post {item.id}'s featured image was not kept: {' '.join(refusal.messages)}"
            )
            return False
        names = media.store_picture(prepared, media.random_folder("posts"), media.private_storage())
        self._new_files.extend(names)
        post.featured_image = names[0]
        return True

    # --- comments --------------------------------------------------------------------
    def _skip_comments(self, item: WxrItem, reason: str) -> None:
        for comment in item.comments:
            self.summary.count("comments", "skipped", self._pingback(comment) or reason)

    @staticmethod
    def _pingback(comment: WxrComment) -> str:
        return comment.type if comment.type in ("pingback", "trackback") else ""

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

    def _new_comment(self, source: WxrComment, record, known, item) -> Comment | None:
        status = COMMENT_STATUS.get(source.approved)
        if status is None:
            self.summary.warn(
                f"comment {source.id} on post {item.id} has the unknown status "
                f"“{source.approved}”: it awaits moderation."
            )
            status = Comment.Status.PENDING
        text = clean_text(wordpress_html.plain_text_with_breaks(source.content))
        if not text:
            self.summary.count("comments", "skipped", "empty")
            return None
        parent = None
        if source.parent_id:
            parent = known.get(source.parent_id)
            if parent is None:
                self.summary.warn(
                    f"comment {source.id} on post {item.id} replies to comment "
                    f"{source.parent_id}, which is not in the export: shown as a new thread."
                )
            elif parent.parent_id is not None or parent.pk is None:
                # Replies are one level deep here: a reply to a reply joins its thread.
                # (A parent from this batch is not stored yet: its parent is the object.)
                parent = parent.parent or parent
        email = source.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        comment = Comment(
            post_id=record.post_id,
            status=status,
            parent=parent,
            author_name=_fit(clean_line(source.author), 80) or "Anonymous",
            email=email,
            ip_hash=hash_ip(source.ip) if source.ip else "",
            created_at=parse_wordpress_date(source.date, source.date_gmt) or timezone.now(),
            flags=["Imported from WordPress, where it was held for moderation"]
            if status == Comment.Status.PENDING
            else [],
        )
        comment.set_text(text)
        self.summary.count("comments", "created", f"as {comment.get_status_display().lower()}")
        return comment
