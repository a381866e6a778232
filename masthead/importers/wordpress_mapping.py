"""Mapping a WordPress export onto Masthead: which blog and topics, what status and
publish time, slugs and lengths that fit, summaries, comments as unsaved comments, and
the fingerprint that tells a post changed in WordPress from one left alone."""

import datetime
import hashlib
import json
from collections.abc import Callable
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.text import slugify

from masthead.client_limits import hash_ip
from masthead.discussion.models import Comment
from masthead.discussion.text import clean_line, clean_text
from masthead.importers import wordpress_html
from masthead.importers.models import (
    ImportedPost,
)
from masthead.importers.wxr import (
    WxrComment,
    WxrItem,
    WxrTerm,
)
from masthead.publishing.models import (
    Blog,
    Post,
    Topic,
)

# Bump when the importer's output for the same input changes, so re-imports update.
IMPORTER_VERSION = "2"
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


def _slug_from(*candidates: str) -> str:
    for candidate in candidates:
        slug = slugify(unquote(candidate or ""))
        if slug:
            return slug
    return ""


class WordPressMapping:
    """What a WordPress item becomes here (part of ``WordPressImport``)."""

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

    def _topics_for(self, item: WxrItem, blog_term: WxrTerm | None) -> list[Topic]:
        topics = []
        for term in item.terms:
            if term.kind not in ("category", "post_tag") or term is blog_term:
                continue
            topic = self._topic(term)
            if topic is not None and topic not in topics:
                topics.append(topic)
        return topics

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
            str(self.options.media_dir or ""), bool(self.options.fetch_media),
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
                    self._pictures_of(item),
                    footnotes_meta=item.meta.get("footnotes", ""),
                    local_document=self._documents_of(item),
                )
                for what, times in prepared.counts.items():
                    self.summary.note("posts", what, times)
                plan.append((item, record, (prepared, fingerprint)))
        return plan

    def _plain_title(self, item: WxrItem) -> str:
        """The title as plain words: WordPress lets a title hold markup (``<em>``, ``<sup>``),
        which a Masthead title (plain text in headings, listings, feeds, ``<title>`` and
        references) would show as tags."""
        title = wordpress_html.plain_text(item.title)
        if title != " ".join(item.title.split()):
            self.summary.note("posts", "title markup or entities turned into plain text")
        return title

    def _summary_text(self, item: WxrItem, prepared) -> str:
        if item.excerpt.strip():
            return wordpress_html.plain_text(item.excerpt, 600)
        if prepared.teaser_html is not None:
            return wordpress_html.plain_text(prepared.teaser_html, 600)
        return ""

    @staticmethod
    def _pingback(comment: WxrComment) -> str:
        return comment.type if comment.type in ("pingback", "trackback") else ""

    def _new_comment(self, source: WxrComment, record, known, item) -> Comment | None:
        status = COMMENT_STATUS.get(source.approved)
        if status is None:
            self.summary.warn(
                f"comment {source.id} on post {item.id} has the unknown status "
                f"“{source.approved}”: it awaits moderation."
            )
            status = Comment.Status.PENDING
        # WordPress shows a comment with its automatic paragraphs, as it shows a post.
        source_html = wordpress_html.auto_paragraphs(source.content)
        text = clean_text(wordpress_html.plain_text_with_breaks(source_html))
        if not text:
            self.summary.count("comments", "skipped", "empty")
            return None
        parent = answered = None
        if source.parent_id:
            parent = known.get(source.parent_id)
            if parent is None:
                self.summary.warn(
                    f"comment {source.id} on post {item.id} replies to comment "
                    f"{source.parent_id}, which is not in the export: shown as a new thread."
                )
            elif parent.parent_id is not None or parent.pk is None:
                # Replies are one level deep here: a reply to a reply joins its thread,
                # and remembers the reply it answered ("in reply to NAME" on the page).
                # (A parent from this batch is not stored yet: its parent is the object.)
                answered = parent
                parent = parent.parent or parent
                if answered is parent:
                    answered = None
        email = source.email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        comment = Comment(
            post_id=record.post_id,
            status=status,
            parent=parent,
            in_reply_to=answered,
            author_name=_fit(clean_line(source.author), 80) or "Anonymous",
            email=email,
            ip_hash=hash_ip(source.ip) if source.ip else "",
            created_at=parse_wordpress_date(source.date, source.date_gmt) or timezone.now(),
            flags=["Imported from WordPress, where it was held for moderation"]
            if status == Comment.Status.PENDING
            else [],
        )
        comment.set_imported_text(text, source_html)
        self.summary.count("comments", "created", f"as {comment.get_status_display().lower()}")
        return comment
