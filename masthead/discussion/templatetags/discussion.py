"""The discussion section of a post page: ``{% load discussion %}{% discussion post %}``.

The approved comments of one page of the thread are rendered once and kept in
the cache under the thread's version, which every moderation decision raises;
a page view then costs one small query (the thread row) and a cache read.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string

from masthead import caching
from masthead.discussion.abuse import new_form_token
from masthead.discussion.forms import CommentForm
from masthead.discussion.models import Comment, Thread
from masthead.discussion.policy import comments_are_open

register = template.Library()


class StoredCountPaginator(Paginator):
    """A paginator that trusts the thread's stored count instead of running COUNT."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self._stored_count = count

    @property
    def count(self):
        return self._stored_count


def comment_page(post, thread, number: int) -> Page:
    roots = (
        Comment.objects.approved()
        .filter(post=post, parent__isnull=True)
        .only("pk", "author_name", "body_html", "created_at", "erased_at", "post_id")
    )
    paginator = StoredCountPaginator(
        roots, settings.MASTHEAD_COMMENTS_PER_PAGE, thread.approved_root_count
    )
    page = paginator.get_page(number)
    roots = list(page.object_list)
    replies: dict[int, list[Comment]] = {}
    reply_rows = (
        Comment.objects.approved()
        .filter(parent__in=[root.pk for root in roots])
        .only(
            "pk", "author_name", "body_html", "created_at", "erased_at", "parent_id",
            "in_reply_to_id",
        )
    )  # fmt: skip
    shown_by_pk = {root.pk: root for root in roots}
    for reply in reply_rows:
        replies.setdefault(reply.parent_id, []).append(reply)
        shown_by_pk[reply.pk] = reply
    for reply_list in replies.values():
        for reply in reply_list:
            # Only a comment shown on this page is named: an answered reply that is not
            # approved stays unseen, its name included.
            answered = reply.in_reply_to_id
            reply.answers = shown_by_pk.get(answered) if answered != reply.parent_id else None
    for root in roots:
        root.shown_replies = replies.get(root.pk, [])
    page.object_list = roots
    return page


def comment_page_number(request) -> int:
    """``?comments=N``; anything that is not a plain, reasonable number means the first page.

    ``str.isdigit`` alone is not enough: it accepts "²", which ``int`` refuses.
    """
    raw = request.GET.get("comments", "1") if request else "1"
    if raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    return 1


@register.inclusion_tag("discussion/_discussion.html", takes_context=True)
def discussion(context, post):
    request = context.get("request")
    thread = Thread.shown_for(post.pk)
    number = min(max(comment_page_number(request), 1), thread.page_count)
    comments_html = ""
    is_open = comments_are_open(post)
    if thread.approved_root_count:
        # Each comment has its Reply link only while the post takes comments.
        key = thread.cache_key(number) + ("" if is_open else ":closed")
        comments_html = caching.get(key)
        if comments_html is None:
            page = comment_page(post, thread, number)
            comments_html = render_to_string(
                "discussion/_comment_list.html", {"page": page, "post": post, "is_open": is_open}
            )
            caching.set(key, comments_html, timeout=settings.MASTHEAD_COMMENT_CACHE_SECONDS)
    institution = context.get("institution")
    return {
        "post": post,
        "thread": thread,
        "comments_html": comments_html,
        "is_open": is_open,
        "form_html": (
            empty_form_html(post, institution, context.get("guidelines_url", "")) if is_open else ""
        ),
    }


_TIMESTAMP_SLOT = "__masthead_form_started__"


def empty_form_html(post, institution, guidelines_url: str = "") -> str:
    """The blank form for this post, rendered once and cached; only its timestamp is fresh.

    ``guidelines_url``: the standing page of comment guidelines, when the site has one
    (the pages app's context processor gives it); the form links to it instead of
    showing the institution's short guidelines inline.
    """
    guidelines = institution.comment_guidelines if institution else ""
    version = hashlib.sha256(f"{guidelines}\n{guidelines_url}".encode()).hexdigest()[:12]
    key = f"discussion:form:t:{post.pk}:{version}"  # "t": the form with id="comment-form"
    html = caching.get(key)
    if html is None:
        html = render_to_string(
            "discussion/_comment_form.html",
            {
                "post": post,
                "form": CommentForm(initial={"started": _TIMESTAMP_SLOT}),
                "institution": institution,
                "guidelines_url": guidelines_url,
            },
        )
        caching.set(key, html, timeout=settings.MASTHEAD_COMMENT_CACHE_SECONDS)
    return html.replace(_TIMESTAMP_SLOT, new_form_token())
