"""The desk's records around a post: workflow transitions, preview links, autosaves."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from masthead.publishing.models.posts import Post


class PostStatus(models.TextChoices):
    """Where a post stands in the workflow (``Post.Status``)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class PostWorkflow:
    """The editorial workflow of a post, as its own methods (``Post`` is one):
    draft → in review → approved → scheduled / published."""

    def is_written_by(self, user) -> bool:
        return bool(self.pk) and self.bylines.filter(author__user=user).exists()

    def can_preview(self, user) -> bool:
        """Who may read this post before it is public: its editors and its own writers."""
        from masthead.publishing.permissions import may_read_post

        return may_read_post(user, self)

    def submit(self, by) -> "PostTransition":
        """The writer hands the draft to the editors."""
        if not (
            by.has_perm("publishing.review_post")
            or (by.has_perm("publishing.submit_post") and self.is_written_by(by))
        ):
            raise PermissionDenied("Only the post's writers or an editor can submit it for review.")
        return self._move({self.Status.DRAFT}, self.Status.IN_REVIEW, by)

    def approve(self, by, note: str = "") -> "PostTransition":
        self._require(by, "publishing.review_post", "Only editors can approve a post.")
        return self._move({self.Status.IN_REVIEW}, self.Status.APPROVED, by, note=note)

    def return_to_writer(self, by, note: str = "") -> "PostTransition":
        """Back to draft with the editor's reasons; also takes back an approval."""
        self._require(by, "publishing.review_post", "Only editors can return a post.")
        return self._move(
            {self.Status.IN_REVIEW, self.Status.APPROVED}, self.Status.DRAFT, by, note=note
        )

    def publish(self, when=None, *, by=None) -> "PostTransition":
        """Publish now, or schedule for ``when`` if that is in the future.

        With ``by`` (a person at the desk) the post must have been approved and the
        person needs the publishing permission; without it the caller is the system
        itself (an import, the sample loader), which has its own checks.
        """
        when = when or timezone.now()
        target = self.Status.SCHEDULED if when > timezone.now() else self.Status.PUBLISHED
        allowed = set(self.Status.values)
        if by is not None:
            self._require(by, "publishing.publish_post", "Only editors can publish a post.")
            allowed = {self.Status.APPROVED, self.Status.SCHEDULED}
        return self._move(allowed, target, by, publish_at=when)

    def withdraw(self, by, note: str = "") -> "PostTransition":
        """Take a scheduled or published post off the site; it goes back to draft."""
        self._require(by, "publishing.publish_post", "Only editors can withdraw a post.")
        return self._move(set(self.GOING_PUBLIC), self.Status.DRAFT, by, note=note)

    @staticmethod
    def _require(user, permission: str, message: str) -> None:
        if user is None or not user.is_active or not user.has_perm(permission):
            raise PermissionDenied(message)

    def _move(self, allowed, target, by, *, note="", publish_at=None) -> "PostTransition":
        with transaction.atomic():
            current = type(self).objects.select_for_update().only("status").get(pk=self.pk)
            if current.status not in allowed:
                raise ValidationError(
                    f"A post that is {current.get_status_display().lower()} cannot become "
                    f"{self.Status(target).label.lower()} from here."
                )
            if publish_at is not None:
                self.publish_at = publish_at
            self.status = target
            self.save()
            return PostTransition.objects.create(
                post=self, from_status=current.status, to_status=target, by=by, note=note
            )


class PostTransition(models.Model):
    """One step of a post through the desk, kept for good: who moved it, when, and why."""

    post = models.ForeignKey(
        "publishing.Post", on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=10, choices=PostStatus.choices)
    to_status = models.CharField(max_length=10, choices=PostStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        help_text="Empty when the system moved it (an import, the sample loader).",
    )  # fmt: skip
    at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"

    def __str__(self):
        who = self.by or "the system"
        return f"{self.get_from_status_display()} → {self.get_to_status_display()} by {who}"


class PreviewLink(models.Model):
    """A signed address that lets a reviewer without an account read one unpublished post.

    The address carries only this row's id, signed; the row decides whether it
    still works (not revoked, not expired), so revoking takes effect at once.
    """

    SALT = "masthead.publishing.preview-link"

    post = models.ForeignKey(
        "publishing.Post", on_delete=models.CASCADE, related_name="preview_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False, help_text="A revoked link answers 404 at once.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview link for {self.post} until {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, post: "Post", by, days: int | None = None) -> "PreviewLink":
        from masthead.publishing.permissions import may_share_preview

        if not may_share_preview(by, post):
            raise PermissionDenied("Only editors can make a reviewer preview link.")
        days = days or settings.MASTHEAD_PREVIEW_LINK_DAYS
        return cls.objects.create(
            post=post, created_by=by, expires_at=timezone.now() + datetime.timedelta(days=days)
        )

    @property
    def token(self) -> str:
        # No timestamp in the signature: the row keeps the expiry, and the address stays the same.
        return signing.Signer(salt=self.SALT).sign(str(self.pk))

    def get_absolute_url(self):
        return reverse("preview_link", args=[self.token])

    def revoke(self) -> None:
        self.revoked = True
        self.save(update_fields=["revoked"])

    @property
    def is_usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()

    @classmethod
    def find_usable(cls, token: str) -> "PreviewLink | None":
        """The link that ``token`` names, if the signature holds and the link still works."""
        try:
            pk = int(signing.Signer(salt=cls.SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None
        link = cls.objects.select_related("post").filter(pk=pk).first()
        return link if link is not None and link.is_usable else None


class PostAutosave(models.Model):
    """What one person has typed into a post's form and not yet saved, kept every few seconds.

    Apart from the post on purpose: an autosave is no version (no history entry, no
    revision), and it is gone once that person saves the post for real.
    """

    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=240, blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    base_revision = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="one_autosave_per_person"),
        ]

    def __str__(self):
        return f"Unsaved text of {self.user} on {self.post}"
