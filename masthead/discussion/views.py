"""The commenter's side: posting a comment and following it through its private link."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.client_limits import client_ip
from masthead.discussion import abuse
from masthead.discussion.forms import REPLY_TARGET_UNKNOWN, CommentForm, EditCommentForm
from masthead.discussion.models import Comment
from masthead.discussion.policy import comments_are_open
from masthead.discussion.submission import Outcome, Submission, submit_comment
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


def refusal(request, status: int, title: str, message: str, post=None, *, received=False):
    """``received``: the comment is stored after all (the browser may forget its draft)."""
    response = render(
        request,
        "discussion/refusal.html",
        {"title": title, "message": message, "post": post, "received": received},
        status=status,
    )
    return private(response)


def form_page(request, post, form, answered=None, status=200, problem=""):
    """The comment form on a page of its own; ``answered``: the comment a reply answers."""
    context = {
        "post": post,
        "blog": post.blog,
        "form": form,
        "answered": answered,
        "problem": problem,
    }
    return private(render(request, "discussion/comment_form_page.html", context, status=status))


@require_safe
def reply(request, post_id, comment_id):
    """The form to answer one shown comment. A page of its own, not a state of the post page:
    post pages are stored for everyone, and "Replying to" belongs to one reader."""
    post = get_object_or_404(Post.objects.public().select_related("blog"), pk=post_id)
    answered = Comment.objects.answerable(post, comment_id)
    if answered is None:
        raise Http404("There is no published comment to reply to here.")
    if not comments_are_open(post):
        return closed(request, post)
    form = CommentForm(initial={"in_reply_to": answered.pk, "started": abuse.new_form_token()})
    return form_page(request, post, form, answered)


def form_again(request, post, form, *, status: int, problem: str, answered=None):
    """The form once more, with what was typed and a fresh timestamp: nothing is lost.

    Without ``answered`` the form no longer names a comment: sent again, it is a
    comment on the post.
    """
    form.data = form.data.copy()
    form.data["started"] = abuse.new_form_token()
    form.data["in_reply_to"] = str(answered.pk) if answered else ""
    form.data.pop("parent", None)
    return form_page(request, post, form, answered, status=status, problem=problem)


def invalid_form(request, post, form):
    """Fields to correct. A reply stays a reply if what it answers may still be answered."""
    named = form.cleaned_data.get("in_reply_to")
    answered = Comment.objects.answerable(post, named)
    unknown_target = "in_reply_to" in form.errors or (named and answered is None)
    form.data = form.data.copy()
    form.data["started"] = form.data.get("started") or abuse.new_form_token()
    form.data["in_reply_to"] = str(answered.pk) if answered else ""
    form.data.pop("parent", None)
    problem = REPLY_TARGET_UNKNOWN if unknown_target else ""
    return form_page(request, post, form, answered, status=400, problem=problem)


# Exempt from Django's CSRF check because the form lives on pages cached for everyone,
# where no per-reader token can be. The view makes its own checks instead: the Origin
# (or Referer) must be this site, and the form carries a signed timestamp.
@csrf_exempt
@require_POST
def submit(request, post_id):
    # Built only on the refusal paths: composing it costs as much as a query.
    def public_posts():
        return Post.objects.public().select_related("blog")

    if not abuse.request_is_from_this_site(request):
        return refusal(
            request,
            403,
            "This form was not sent from our site",
            "We only accept comments posted from the form on our own pages. "
            "Please go back to the post and use the form there.",
            get_object_or_404(public_posts(), pk=post_id),
        )
    form = CommentForm(request.POST)
    if not form.is_valid():
        post = get_object_or_404(public_posts(), pk=post_id)
        if not comments_are_open(post):
            return closed(request, post)
        return invalid_form(request, post, form)
    data = form.cleaned_data
    result = submit_comment(
        Submission(
            post_id=post_id,
            in_reply_to_id=data["in_reply_to"],
            author_name=data["author_name"],
            email=data["email"],
            body=data["body"],
            notify_on_publish=data["notify_on_publish"],
            started=data["started"],
            honeypot=data["website"],
            client_ip=client_ip(request),
        )
    )
    post = result.post
    if result.outcome is Outcome.ACCEPTED:
        return redirect(result.comment.get_status_url(), permanent=False)
    if result.outcome is Outcome.NO_SUCH_POST:
        raise Http404("No such post.")
    if result.outcome is Outcome.CLOSED:
        return closed(request, post)
    if result.outcome is Outcome.ALREADY_RECEIVED:
        return refusal(
            request,
            200,
            "We already have this comment",
            "This comment reached us before and awaits moderation like every comment; "
            "sending it again adds nothing. Its private link, for changing or withdrawing "
            "it, was shown when you first sent it.",
            post,
            received=True,
        )
    answered = Comment.objects.answerable(post, data["in_reply_to"])
    if result.outcome is Outcome.RATE_LIMITED:
        response = form_again(
            request,
            post,
            form,
            answered=answered,
            status=429,
            problem="You have sent several comments in a short time. Please wait a few minutes "
            "and send this one again; your text is kept below so nothing is lost.",
        )
        response["Retry-After"] = str(settings.MASTHEAD_COMMENT_RATE_WINDOW_SECONDS)
        return response
    if result.outcome is Outcome.REPLY_TARGET_GONE:
        return form_again(
            request,
            post,
            form,
            status=409,
            problem=REPLY_TARGET_UNKNOWN,
        )
    hours = settings.MASTHEAD_COMMENT_FORM_MAX_AGE_HOURS
    return form_again(
        request,
        post,
        form,
        answered=answered,
        status=400,
        problem=f"This form was opened more than {hours} hours ago, so we ask you to send it "
        "once more. Your text is kept below; please check it and submit again.",
    )


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
