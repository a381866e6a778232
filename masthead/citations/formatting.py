"""Formatting posts' references ahead of time, in batches, and reading them back.

Page views only read what is stored here. Formatting runs a CSL engine in a
subprocess, so it happens when a post is saved (the post's signal), in the
background (a task for a style a reader asked for), or from a command.
"""

from dataclasses import dataclass
from datetime import timedelta

import nh3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.citations import csl, engine
from masthead.citations.models import FormattedCitation
from masthead.citations.styles import Style, get_style
from masthead.client_limits import Budget
from masthead.publishing.models import Institution, Post


def wants_sentence_case(style: Style) -> bool:
    """APA and its variants capitalise titles of web content in sentence case."""
    parent = style.path.stem
    return parent == "apa" or parent.startswith("apa-")


# What a CSL engine's HTML may hold; anything else is dropped before it is stored.
ENTRY_TAGS = {"i", "em", "b", "strong", "span", "div", "a", "sup", "sub"}
ENTRY_ATTRIBUTES = {"span": {"class"}, "div": {"class"}, "a": {"href"}}


def clean_entry_html(fragment: str) -> str:
    return nh3.clean(fragment, tags=ENTRY_TAGS, attributes=ENTRY_ATTRIBUTES, link_rel=None)


def core_styles() -> list[Style]:
    return [get_style(style_id) for style_id in settings.MASTHEAD_CITATION_STYLES]


@dataclass(frozen=True)
class Citation:
    style: Style
    html: str
    text: str


def style_item(post: Post, style: Style, institution: Institution | None = None) -> dict:
    return csl.item_for_style(
        csl.post_as_csl(post, institution=institution), sentence_case=wants_sentence_case(style)
    )


def format_posts(posts: list[Post], styles: list[Style]) -> int:
    """Format and store every post in every style: one engine call per style.

    ``posts`` should come with their bylines prefetched (``with_byline``).
    Returns the number of references stored.
    """
    posts = list(posts)
    if not posts:
        return 0
    institution = Institution.current()
    stored = 0
    for style in styles:
        items = [style_item(post, style, institution) for post in posts]
        entries = engine.format_bibliography(items, style)
        now = timezone.now()
        rows = [
            FormattedCitation(
                post=post,
                style_id=style.id,
                revision=post.revision,
                source_hash=csl.fingerprint(item),
                html=clean_entry_html(entry.html),
                text=entry.text,
                requested_at=now,
                formatted_at=now,
            )
            for post, item, entry in zip(posts, items, entries, strict=True)
        ]
        # One statement per style and batch: insert, or replace the stored reference.
        FormattedCitation.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["post", "style_id"],
            update_fields=["revision", "source_hash", "html", "text", "formatted_at"],
            batch_size=250,
        )
        stored += len(rows)
    return stored


def format_post_by_id(post_id: int, style_ids: list[str] | None = None) -> int:
    post = Post.objects.with_byline().filter(pk=post_id).first()
    if post is None:
        return 0
    styles = [get_style(i) for i in style_ids] if style_ids else core_styles()
    return format_posts([post], styles)


def stored_citations(
    post: Post, styles: list[Style], *, institution: Institution | None = None
) -> dict[str, Citation | None]:
    """The fresh stored reference for each style, or None where there is none yet.

    A post page asks for the same post's references more than once (the Cite
    dialog, the print footer); each post object reads each style's row once.
    """
    known = post.__dict__.setdefault("_stored_citations", {})
    missing = [style for style in styles if style.id not in known]
    if missing:
        item = csl.post_as_csl(post, institution=institution)
        rows = {
            row.style_id: row
            for row in FormattedCitation.objects.filter(
                post=post, style_id__in=[style.id for style in missing]
            )
        }
        for style in missing:
            row = rows.get(style.id)
            styled = csl.item_for_style(item, sentence_case=wants_sentence_case(style))
            fresh = row is not None and row.is_fresh_for(csl.fingerprint(styled))
            known[style.id] = Citation(style, row.html, row.text) if fresh else None
    return {style.id: known[style.id] for style in styles}


class StyleRequestRefused(Exception):
    """Too many styles asked for: by this client, or by everyone at once."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


# A style waiting longer than this is taken to be lost (a failed job, a worker
# that was down) and may be asked for again; meanwhile it counts as queued.
WAITING_EXPIRES = timedelta(minutes=10)
BUSY_RETRY_SECONDS = 30


def _refuse_if_over_budget(requester: str) -> None:
    """Check the overall queue, then charge ``requester`` for one new style."""
    waiting = FormattedCitation.objects.waiting(since=timezone.now() - WAITING_EXPIRES).count()
    if waiting >= settings.MASTHEAD_STYLE_QUEUE_LIMIT:
        raise StyleRequestRefused(
            "Many readers are asking for new citation styles right now, so this one "
            "cannot be prepared yet. Please try again in a minute.",
            BUSY_RETRY_SECONDS,
        )
    window = settings.MASTHEAD_STYLE_REQUEST_WINDOW_SECONDS
    limit = settings.MASTHEAD_STYLE_REQUESTS_PER_CLIENT
    retry_after = Budget("citation-styles", limit, window).spend(requester)
    if retry_after is not None:
        minutes = max(1, round(retry_after / 60))
        raise StyleRequestRefused(
            f"You have asked for {limit} styles that were not ready yet within "
            f"{max(1, window // 60)} minutes, the most we prepare for one reader. Please ask "
            f"for this one again in about {minutes} minute{'s' if minutes != 1 else ''}.",
            retry_after,
        )


def request_style(post: Post, style: Style, *, requester: str | None = None) -> None:
    """Ask the background worker to format ``style`` for ``post``; no engine runs here.

    Asking again for a style already queued for the same version of the post
    queues nothing. A ``requester`` (a reader, see ``client_limits.client_key``)
    may queue only so many new styles, and none while the queue is full:
    ``StyleRequestRefused`` says when to ask again.
    """
    from masthead.citations.tasks import format_post_citations

    source_hash = csl.fingerprint(style_item(post, style))
    now = timezone.now()
    row = FormattedCitation.objects.filter(post=post, style_id=style.id).first()
    if row is not None and row.is_fresh_or_waiting(source_hash, since=now - WAITING_EXPIRES):
        return
    if requester is not None:
        _refuse_if_over_budget(requester)
    row, created = FormattedCitation.objects.get_or_create(
        post=post,
        style_id=style.id,
        defaults={"revision": post.revision, "source_hash": source_hash, "requested_at": now},
    )
    if not created:
        if row.is_fresh_or_waiting(source_hash, since=now - WAITING_EXPIRES):
            return  # another request queued it a moment ago
        row.source_hash = source_hash
        row.revision = post.revision
        row.formatted_at = None
        row.requested_at = now
        row.save(update_fields=["source_hash", "revision", "formatted_at", "requested_at"])
    transaction.on_commit(lambda: format_post_citations.enqueue(post.pk, [style.id]))
