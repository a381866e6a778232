"""The whole site's content and discussion as one JSON document (``masthead export_json``).

Written post by post, so memory stays flat on a large archive. The shape is
documented in the README ("The JSON export"); ``format`` and ``version`` let a
reader check what it holds before reading further.
"""

import json

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.importers.wordpress_pages import pages_as_json
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

FORMAT = "masthead-export"
VERSION = 1


def _time(moment):
    return moment.isoformat() if moment else None


def _absolute(site: str, url: str) -> str:
    return url if url.startswith("http") else site + url


def _post(post: Post, site: str) -> dict:
    image = None
    if post.featured_image:
        image = {
            "url": _absolute(site, post.featured_image.url),
            "file": post.featured_image.name,
            "alt": post.image_alt,
            "caption": post.image_caption,
            "credit": post.image_credit,
        }
    return {
        "id": post.pk,
        "blog": post.blog.slug,
        "slug": post.slug,
        "url": site + post.get_absolute_url(),
        "title": post.title,
        "status": post.status,
        "publish_at": _time(post.publish_at),
        "summary": post.summary,
        "body_markdown": post.body,
        "body_html": post.body_html,
        "authors": [link.author.slug for link in post.bylines.all()],
        "topics": [topic.slug for topic in post.topics.all()],
        "featured_image": image,
        "comments_open": post.comments_open,
        "updated_at": _time(post.updated_at),
        "correction_note": post.correction_note,
        "revision": post.revision,
        "comments": [
            {
                "id": comment.pk,
                "parent": comment.parent_id,
                "in_reply_to": comment.in_reply_to_id,
                "status": comment.status,
                "author_name": comment.author_name,
                "email": comment.email,
                "body": comment.body,
                "created_at": _time(comment.created_at),
                "decided_at": _time(comment.decided_at),
                "rejection_reason": comment.rejection_reason,
                "erased": comment.is_erased,
            }
            for comment in post.comments.all()
        ],
    }


def write_json(out, site_url: str | None = None) -> dict[str, int]:
    site = (site_url or settings.MASTHEAD_SITE_URL).rstrip("/")
    institution = Institution.current()
    counts = {"posts": 0, "comments": 0}
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "site_url": site,
        "institution": {
            "name": institution.name,
            "short_name": institution.short_name,
            "url": institution.url,
            "tagline": institution.tagline,
            "comment_guidelines": institution.comment_guidelines,
        },
        "blogs": [
            {"slug": b.slug, "name": b.name, "tagline": b.tagline,
             "description": b.description, "position": b.position}
            for b in Blog.objects.order_by("pk")
        ],
        "authors": [
            {"slug": a.slug, "display_name": a.display_name, "given_name": a.given_name,
             "family_name": a.family_name, "is_institutional": a.is_institutional,
             "role": a.role, "bio": a.bio,
             "photo": _absolute(site, a.photo.url) if a.photo else None}
            for a in Author.objects.order_by("pk")
        ],
        "topics": [
            {"slug": t.slug, "name": t.name, "description": t.description}
            for t in Topic.objects.order_by("pk")
        ],
        "pages": pages_as_json(site),
    }  # fmt: skip
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    # The head's closing brace is reopened to stream the posts into the same object.
    out.write(opening[:-2] + ',\n "posts": [')
    posts = (
        Post.objects.select_related("blog")
        .prefetch_related(
            Prefetch("bylines", queryset=PostAuthor.objects.select_related("author")),
            "topics",
            Prefetch("comments", queryset=Comment.objects.order_by("pk")),
        )
        .order_by("pk")
    )
    for post in posts.iterator(chunk_size=200):
        record = _post(post, site)
        out.write(
            ("\n  " if counts["posts"] == 0 else ",\n  ") + json.dumps(record, ensure_ascii=False)
        )
        counts["posts"] += 1
        counts["comments"] += len(record["comments"])
    out.write("\n ]\n}\n")
    return counts
