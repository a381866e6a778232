"""The moderation queue at /moderation/: for staff in the Moderators group."""

import functools
import json

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.discussion.forms import (
    BulkDecisionForm,
    CommenterForm,
    DecisionForm,
    ReasonForm,
    RulesForm,
)
from masthead.discussion.models import Comment, ModerationDecision, ModerationRules
from masthead.discussion.privacy import erase_commenter, export_commenter

MODERATE_PERMISSION = "discussion.moderate_comment"


def moderator_required(view):
    """Moderators only; and their pages, which show commenters' addresses, are never stored."""

    @functools.wraps(view)
    def private_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return staff_member_required(
        permission_required(MODERATE_PERMISSION, raise_exception=True)(private_view)
    )


def status_counts() -> dict[str, int]:
    counts = dict(Comment.objects.values_list("status").annotate(n=Count("pk")))
    return {label: counts.get(value, 0) for value, label in Comment.Status.choices}


def apply_decision(comment: Comment, action: str, reason: str, user, seen_revision: int) -> bool:
    """The decision on the revision the moderator was shown (``ChangedSinceShown`` if edited)."""
    if action == "approve":
        return comment.approve(by=user, seen_revision=seen_revision)
    if action == "reject":
        return comment.reject(reason, by=user, seen_revision=seen_revision)
    return comment.mark_spam(by=user, seen_revision=seen_revision)


CHANGED_SINCE_SHOWN = (
    "{name} edited their comment after this page showed it, so nothing was decided. "
    "It is still in the queue with its new text; read it and decide again."
)


@require_safe
@moderator_required
def queue(request):
    pending = Comment.objects.pending().select_related("post__blog", "parent", "in_reply_to")[:200]
    return render(
        request,
        "discussion/moderation/queue.html",
        {
            "pending": pending,
            "counts": status_counts(),
            "decision_form": DecisionForm(),
        },
    )


@require_POST
@moderator_required
def decide(request, comment_id):
    comment = get_object_or_404(Comment, pk=comment_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve, reject or spam from a freshly loaded queue.")
        return redirect("discussion:queue")
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        decided = apply_decision(
            comment, action, reason, request.user, form.cleaned_data["revision"]
        )
    except Comment.ChangedSinceShown:
        messages.warning(request, CHANGED_SINCE_SHOWN.format(name=comment.author_name))
        return redirect("discussion:queue")
    if decided:
        messages.success(
            request, f"Comment by {comment.author_name}: {comment.get_status_display()}."
        )
    else:
        messages.info(request, "That comment was already decided; nothing changed.")
    return redirect("discussion:queue")


@require_POST
@moderator_required
def bulk_decide(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick at least one comment and choose an action.")
        return redirect("discussion:queue")
    seen = form.cleaned_data["comments"]  # {comment id: the revision the queue showed}
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    changed, edited = 0, []
    for comment in Comment.objects.pending().filter(pk__in=seen):
        try:
            changed += apply_decision(comment, action, reason, request.user, seen[comment.pk])
        except Comment.ChangedSinceShown:
            edited.append(comment.author_name)
    done = {"approve": "approved", "reject": "rejected", "spam": "marked as spam"}
    messages.success(request, f"{changed} comments {done[action]}.")
    if edited:
        messages.warning(
            request,
            f"{len(edited)} ticked comments were edited after this page showed them and were "
            f"left in the queue with their new text ({', '.join(edited[:5])}).",
        )
    return redirect("discussion:queue")


@require_POST
@moderator_required
def reject_commenter(request, comment_id):
    comment = get_object_or_404(Comment, pk=comment_id)
    form = ReasonForm({"reason": request.POST.get("reason", "")})
    if not form.is_valid():
        messages.error(request, "Choose one of the listed reasons, or none.")
        return redirect("discussion:queue")
    reason = form.cleaned_data["reason"]
    changed = sum(
        c.reject(reason, by=request.user)
        for c in Comment.objects.pending().by_commenter(comment.email)
    )
    messages.success(request, f"Rejected {changed} pending comments from {comment.author_name}.")
    return redirect("discussion:queue")


@require_safe
@moderator_required
def log(request):
    entries = ModerationDecision.objects.select_related("comment__post")[:500]
    return render(request, "discussion/moderation/log.html", {"entries": entries})


@require_http_methods(["GET", "HEAD", "POST"])
@moderator_required
def rules(request):
    current = ModerationRules.current()
    if request.method == "POST":
        form = RulesForm(request.POST, instance=current)
        if form.is_valid():
            form.save()
            messages.success(request, "Rules saved; they apply to comments from now on.")
            return redirect("discussion:rules")
    else:
        form = RulesForm(instance=current)
    return render(
        request,
        "discussion/moderation/rules.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@moderator_required
def commenter(request):
    """Export or erase everything stored about one commenter, found by email."""
    form = CommenterForm(request.POST or request.GET or None)
    comments = None
    if form.is_valid():
        email = form.cleaned_data["email"]
        action = request.POST.get("action")
        if action == "export":
            document = export_commenter(email, by=request.user)
            response = HttpResponse(
                json.dumps(document, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            stamp = timezone.now().strftime("%Y%m%d")
            response["Content-Disposition"] = f'attachment; filename="commenter-{stamp}.json"'
            response["Cache-Control"] = "private, no-store"
            return response
        if action == "erase":
            erased = erase_commenter(email, by=request.user)
            messages.success(
                request, f"Erased {erased} comments; published ones now read “Comment removed”."
            )
            return redirect(reverse("discussion:commenter"))
        comments = Comment.objects.by_commenter(email).select_related("post")
    return render(
        request, "discussion/moderation/commenter.html", {"form": form, "comments": comments}
    )
