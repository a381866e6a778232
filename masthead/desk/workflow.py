"""The workflow buttons: which steps this person may take on this post now, and taking one.

Each step is one of the post's own transition methods (``PostWorkflow``), which checks
the person's rights and the post's state again; the table here only decides which
buttons are worth showing. Notes go on the transition record (never public) and to the
writers by mail.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from masthead.publishing.models import Post
from masthead.publishing.permissions import may_change_post


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    starts: frozenset
    permission: str
    needs_note: bool = False
    takes_note: bool = False
    # The steps that move a post on stand out; the others (back, off, a note) do not.
    moves_on: bool = True


S = Post.Status
# Who holds a permission through groups or their own grants (the object-level backend
# answers only about one post).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
STEPS = [
    Step("submit", "Submit for review", frozenset({S.DRAFT}), "publishing.submit_post"),
    Step("approve", "Approve", frozenset({S.IN_REVIEW}), "publishing.review_post",
         takes_note=True),
    Step("return", "Return with a note", frozenset({S.IN_REVIEW, S.APPROVED}),
         "publishing.review_post", needs_note=True, moves_on=False),
    Step("schedule", "Schedule", frozenset({S.APPROVED}), "publishing.publish_post"),
    Step("publish", "Publish now", frozenset({S.APPROVED, S.SCHEDULED}),
         "publishing.publish_post"),
    Step("withdraw", "Withdraw", frozenset({S.SCHEDULED, S.PUBLISHED}),
         "publishing.publish_post", takes_note=True, moves_on=False),
    Step("correction", "Record a correction", frozenset({S.PUBLISHED}),
         "publishing.publish_post", needs_note=True, moves_on=False),
]  # fmt: skip
BY_NAME = {step.name: step for step in STEPS}


def steps_for(user, post: Post) -> list[Step]:
    found = []
    for step in STEPS:
        if post.status not in step.starts or not user.has_perm(step.permission):
            continue
        if step.name == "submit" and not (
            post.is_written_by(user) or user.has_perm("publishing.review_post")
        ):
            continue
        if step.name == "schedule" and not (post.publish_at and post.publish_at > timezone.now()):
            continue
        found.append(step)
    return found


def take(post: Post, name: str, user, note: str = "") -> str:
    """Run one step as ``user``; the answer says where the post stands now."""
    step = BY_NAME.get(name)
    if step is None:
        raise ValidationError("There is no such step.")
    note = note.strip()
    if step.needs_note and not note:
        raise ValidationError(f"“{step.label}” needs a note saying why.")
    post.refresh_from_db()
    if name == "submit":
        post.submit(by=user)
    elif name == "approve":
        post.approve(by=user, note=note)
    elif name == "return":
        post.return_to_writer(by=user, note=note)
    elif name == "schedule":
        if not (post.publish_at and post.publish_at > timezone.now()):
            raise ValidationError("Set a publish time in the future first, then schedule.")
        post.publish(post.publish_at, by=user)
    elif name == "publish":
        post.publish(by=user)
    elif name == "withdraw":
        post.withdraw(by=user, note=note)
    elif name == "correction":
        record_correction(post, user, note)
    if note and name in {"approve", "return", "withdraw"}:
        mail_writers(post, user, step, note)
    if name == "submit":
        mail_editors(post, user)
    post.refresh_from_db()
    return f"“{post}” is now {post.get_status_display().lower()}."


def record_correction(post: Post, user, note: str) -> None:
    """A substantive update of a published post: "Updated" with the note, and the text
    readers saw until now kept as an earlier version (``Post.save`` keeps it).

    The corrected words are the ones this editor has typed and not saved (their
    autosave): saved with the note in one go, so the version kept is what readers saw.
    A plain "Save" on a published post is a silent fix, such as a typo.
    """
    if post.status != S.PUBLISHED or not (
        user.has_perm("publishing.publish_post") and may_change_post(user, post)
    ):
        raise PermissionDenied("Only an editor can record a correction on a published post.")
    typed = post.autosaves.filter(user=user).first()
    if typed is not None:
        post.title, post.summary, post.body = typed.title or post.title, typed.summary, typed.body
        post.full_clean(exclude=["featured_image"])
    post.updated_at = timezone.now()
    post.correction_note = note
    post._history_user = user
    post._change_reason = f"Correction: {note}"[:100]
    post.save()
    if typed is not None:
        typed.delete()


def desk_address(post: Post) -> str:
    """The post's writing view, at the site's public address (mail has no request)."""
    return settings.MASTHEAD_SITE_URL + reverse("desk:write", args=[post.pk])


def mail_writers(post: Post, editor, step: Step, note: str) -> None:
    """The editor's note, to the writers in the byline who have an address."""
    recipients = [
        line.author.user.email
        for line in post.bylines.select_related("author__user")
        if line.author.user_id and line.author.user.email and line.author.user != editor
    ]
    if not recipients:
        return
    address = desk_address(post)
    body = (
        f"{editor} chose “{step.label}” for your post “{post}”, with this note:\n\n"
        f"{note}\n\nThe post at the desk: {address}\n"
    )
    send_mail(
        f"“{post}”: {step.label.lower()}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def editors_to_tell():
    """Those given the right to approve (the Editors group, or the permission itself),
    active and with an address. Administrators who are not editors are not mailed."""
    return (
        get_user_model()
        .objects.with_perm(
            "publishing.review_post", include_superusers=False, backend=MODEL_BACKEND
        )
        .exclude(email="")
    )


def mail_editors(post: Post, writer) -> None:
    """A post submitted for review: its editors hear of it, with its desk address."""
    recipients = sorted({user.email for user in editors_to_tell() if user != writer})
    if not recipients:
        return
    address = desk_address(post)
    body = (
        f"{writer} submitted “{post}” ({post.blog}) for review.\n\n"
        f"Read it, then approve it or return it with a note, at the desk: {address}\n"
    )
    # One message per editor: no one learns the others' addresses.
    for recipient in recipients:
        send_mail(f"For review: “{post}”", body, settings.DEFAULT_FROM_EMAIL, [recipient])
