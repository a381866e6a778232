"""Formatting posts' references ahead of time, in batches, and reading them back.

Page views only read what is stored here. Formatting runs a CSL engine in a
subprocess, so it happens when a post is saved (the post's signal), in the
background (``tasks``, queued by ``style_requests`` or by a save that touches
many posts), or from a command. This module queues nothing itself.
"""

from dataclasses import dataclass

import nh3
from django.conf import settings
from django.utils import timezone

from masthead.changes import content_changed
from masthead.citations import csl, engine
from masthead.citations.models import FormattedCitation
from masthead.citations.styles import Style, get_style
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
    # Bulk inserts send no model signals: say that post and cite pages read differently now.
    content_changed()
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


def format_version(version) -> int:
    """Format and store the references to an earlier version in the core styles."""
    from masthead.citations.models import VersionCitation

    item = csl.version_as_csl(version)
    rows = []
    for style in core_styles():
        [entry] = engine.format_bibliography([csl.item_for_style(item, sentence_case=False)], style)
        rows.append(
            VersionCitation(
                version=version, style_id=style.id, html=clean_entry_html(entry.html),
                text=entry.text,
            )
        )  # fmt: skip
    VersionCitation.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["version", "style_id"],
        update_fields=["html", "text"],
    )
    content_changed()
    return len(rows)
