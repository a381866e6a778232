"""The commenter's side: posting a comment and following it through its private link."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.discussion import abuse
from masthead.discussion.forms import CommentForm, EditCommentForm
from masthead.discussion.models import Comment
from masthead.discussion.notifications import schedule_moderator_digest
from masthead.discussion.policy import comments_are_open
from masthead.publishing.models import Post


def private(response):
    """Per-person pages: never cached, never indexed, never leaking their URL as a Referer.

    ``same-origin`` rather than ``no-referrer``: under ``no-referrer`` browsers send
    ``Origin: null`` with the page's own forms, which the comment check and Django's
    CSRF check rightly refuse; other sites still get no Referer at all.
    """
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def refusal(request, status: int, title: str, message: str, post=None):
    response = render(
        request,
        "discussion/refusal.html",
        {"title": title, "message": message, "post": post},
        status=status,
    )
    return private(response)


def form_page(request, post, form, parent=None, status=200, problem=""):
    context = {"post": post, "blog": post.blog, "form": form, "parent": parent, "problem": problem}
    return private(render(request, "discussion/comment_form_page.html", context, status=status))


def reply_target(post, parent_id):
    """The approved comment a reply hangs under; replies to replies join the same level."""
    if not parent_id:
        return None
    parent = (
        Comment.objects.approved()
        .filter(post=post, pk=parent_id, erased_at__isnull=True)
        .select_related("parent")
        .first()
    )
    if parent is None:
        return None
    return parent.parent or parent


@require_safe
def reply(request, post_id, comment_id):
    post = get_object_or_404(Post.objects.public().select_related("blog"), pk=post_id)
    parent = reply_target(post, comment_id)
    if parent is None:
        raise Http404("There is no published comment to reply to here.")
    if not comments_are_open(post):
        return refusal(
            request, 403, "Comments are closed", "This post no longer takes comments.", post
        )
    form = CommentForm(initial={"parent": parent.pk, "started": abuse.new_form_token()})
    return form_page(request, post, form, parent)


# Exempt from Django's CSRF check because the form lives on pages cached for everyone,
# where no per-reader token can be. The view makes its own checks instead: the Origin
# (or Referer) must be this site, and the form carries a signed timestamp.
@csrf_exempt
@require_POST
def submit(request, post_id):
    public_posts = Post.objects.public().select_related("blog")
    if not abuse.request_is_from_this_site(request):
        return refusal(
            request,
            403,
            "This form was not sent from our site",
            "We only accept comments posted from the form on our own pages. "
            "Please go back to the post and use the form there.",
            get_object_or_404(public_posts, pk=post_id),
        )
    form = CommentForm(request.POST)
    if not form.is_valid():
        post = get_object_or_404(public_posts, pk=post_id)
        if not comments_are_open(post):
            return closed(request, post)
        form.data = form.data.copy()
        form.data["started"] = form.data.get("started") or abuse.new_form_token()
        parent = reply_target(post, form.cleaned_data.get("parent"))
        return form_page(request, post, form, parent, status=400)
    data = form.cleaned_data
    ip_hash = abuse.hash_ip(abuse.client_ip(request))
    comment = Comment(
        post_id=post_id,
        author_name=data["author_name"],
        email=data["email"],
        notify_on_publish=data["notify_on_publish"],
        ip_hash=ip_hash,
    )
    comment.set_text(data["body"])
    # The same form sent twice (double click, reload) yields the same key: one comment.
    comment.submission_key = hashlib.sha256(
        "\x1f".join(
            [str(post_id), str(data["parent"] or ""), comment.email, comment.body, ip_hash,
             data["started"]]
        ).encode()
    ).hexdigest()  # fmt: skip

    # One query answers everything the checks need to know about the past.
    post = get_object_or_404(
        Post.objects.public()
        .only("pk", "blog_id", "status", "publish_at", "comments_open")
        .annotate(
            twin_token=Subquery(
                Comment.objects.filter(submission_key=comment.submission_key).values(
                    "status_token"
                )[:1]
            ),
            known_commenter=Exists(
                Comment.objects.approved().filter(email=comment.email).exclude(email="")
            ),
            duplicate=Exists(Comment.objects.filter(body_fingerprint=comment.body_fingerprint)),
        ),
        pk=post_id,
    )
    if post.twin_token:
        return redirect("discussion:status", post.twin_token)
    if not comments_are_open(post):
        return closed(request, post)
    comment.post = post
    comment.parent = reply_target(post, data["parent"])

    rate = abuse.count_submission(ip_hash, comment.email)
    if rate.exceeded:
        response = form_page(
            request,
            post,
            form,
            comment.parent,
            status=429,
            problem="You have sent several comments in a short time. Please wait a few minutes "
            "and send this one again; your text is kept below so nothing is lost.",
        )
        response["Retry-After"] = str(settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS)
        return response

    comment.flags = abuse.flags_for(
        body=comment.body,
        known_commenter=post.known_commenter,
        duplicate=post.duplicate,
        rate=rate,
        seconds_to_submit=abuse.seconds_since_form_rendered(data["started"]),
        honeypot=data["website"],
    )
    try:
        with transaction.atomic():
            comment.save()
            schedule_moderator_digest()
    except IntegrityError:
        # The twin of this submission committed first.
        comment = get_object_or_404(Comment, submission_key=comment.submission_key)
    return redirect(comment.get_status_url(), permanent=False)


def closed(request, post):
    return refusal(request, 403, "Comments are closed", "This post no longer takes comments.", post)


@require_http_methods(["GET", "HEAD", "POST"])
def status(request, token):
    comment = get_object_or_404(Comment.objects.select_related("post__blog"), status_token=token)
    edit_form = EditCommentForm(initial={"body": comment.body})
    notice = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "withdraw":
            notice = (
                "Your comment is withdrawn; it will not be published."
                if comment.withdraw()
                else "A moderator has already decided on this comment, so it cannot be withdrawn."
            )
        elif action == "edit":
            edit_form = EditCommentForm(request.POST)
            if edit_form.is_valid():
                notice = (
                    "Your changes are saved. The comment still awaits moderation."
                    if comment.edit(edit_form.cleaned_data["body"])
                    else "A moderator has already decided on this comment; it can no longer "
                    "be changed."
                )
                edit_form = EditCommentForm(initial={"body": comment.body})
        comment.refresh_from_db()
    response = render(
        request,
        "discussion/status.html",
        {
            "comment": comment,
            "post": comment.post,
            "edit_form": edit_form,
            "notice": notice,
            "status_url": request.build_absolute_uri(comment.get_status_url()),
        },
        status=400 if edit_form.errors else 200,
    )
    return private(response)
