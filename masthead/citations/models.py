from django.db import models
from django.utils import timezone

from masthead.publishing.models import Post, PostVersion


class SentenceCaseTitle(models.Model):
    """The post's title in sentence case, as the editor confirmed it, for APA.

    It is used only while the post still has the title it was written for:
    after a retitle, APA falls back to the title as written until an editor
    confirms a new one.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="sentence_case_title")
    title = models.CharField(
        "title in sentence case",
        max_length=240,
        help_text="Only the first word, proper nouns and the word after a colon capitalised.",
    )
    confirmed = models.BooleanField(
        "confirmed for APA", default=False, help_text="Tick once the capitals are right."
    )
    for_title = models.CharField(max_length=240, editable=False)

    class Meta:
        verbose_name = "APA sentence-case title"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.for_title = self.post.title
        super().save(*args, **kwargs)

    def applies_to(self, post: Post) -> bool:
        return self.confirmed and bool(self.title.strip()) and self.for_title == post.title


class FormattedCitationQuerySet(models.QuerySet):
    def waiting(self, *, since):
        """Styles asked for since ``since`` and not formatted yet: the worker's queue of them."""
        return self.filter(formatted_at__isnull=True, requested_at__gte=since)


class FormattedCitation(models.Model):
    """A post's reference in one CSL style, formatted ahead of any page view.

    ``source_hash`` fingerprints the CSL-JSON it was formatted from: the
    stored entry is shown only while the post's CSL-JSON is unchanged, so a
    retitle, a byline change or a renamed blog never shows a stale reference.
    An empty ``formatted_at`` means it was asked for and is being prepared.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="formatted_citations")
    style_id = models.CharField(max_length=160)
    revision = models.PositiveIntegerField(help_text="The post's revision when formatted.")
    source_hash = models.CharField(max_length=64)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    formatted_at = models.DateTimeField(null=True, blank=True)

    objects = FormattedCitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "style_id"], name="one_citation_per_style"),
        ]

    def __str__(self):
        return f"{self.post} in {self.style_id}"

    def is_fresh_for(self, source_hash: str) -> bool:
        return self.formatted_at is not None and self.source_hash == source_hash

    def is_fresh_or_waiting(self, source_hash: str, *, since) -> bool:
        """Formatted from this source, or asked for since ``since`` and still queued."""
        if self.source_hash != source_hash:
            return False
        return self.formatted_at is not None or self.requested_at >= since


class PrintedPost(models.Model):
    """A post's PDF, rendered once per revision and kept until the post changes."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="printed")
    revision = models.PositiveIntegerField()
    source_hash = models.CharField(max_length=64)
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"PDF of {self.post} (revision {self.revision})"


class PostDoi(models.Model):
    """A post's DOI and the state of its deposit with Crossref.

    The suffix is random and never changes, whatever happens to the slug or
    the title; the landing URL deposited with it is updated instead.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued for deposit"
        DEPOSITED = "deposited", "Deposited"
        FAILED = "failed", "Failed"
        NOT_DEPOSITED = "not_deposited", "Assigned (no Crossref credentials)"

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="doi_record")
    doi = models.CharField("DOI", max_length=100, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True, help_text="Crossref's answer to the last deposit.")
    attempts = models.PositiveSmallIntegerField(default=0)
    deposited_hash = models.CharField(
        max_length=64, blank=True, help_text="Fingerprint of the metadata last deposited."
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    deposited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "DOI"

    def __str__(self):
        return self.doi

    @property
    def url(self) -> str:
        return f"https://doi.org/{self.doi}"


class VersionCitation(models.Model):
    """The reference to an earlier published version of a post, in one style.

    Formatted once, in the background, when the version is kept: a version
    never changes, so neither does its reference.
    """

    version = models.ForeignKey(PostVersion, on_delete=models.CASCADE, related_name="citations")
    style_id = models.CharField(max_length=160)
    html = models.TextField()
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "style_id"], name="one_version_citation"),
        ]

    def __str__(self):
        return f"{self.version} in {self.style_id}"


class StyleRequest(models.Model):
    """One new citation style a reader asked for: the per-reader budget counts these rows.

    Counted in the database, as the comment rate limits are, not in the cache: an
    evicted or restarted cache would otherwise hand every reader a fresh budget.
    Only a granted request is stored, and rows older than the window are deleted as
    new ones arrive, so the table holds at most one window's grants.
    """

    client = models.CharField(max_length=64, help_text="client_limits.client_key of the reader.")
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["client", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.client[:8]}… at {self.requested_at:%Y-%m-%d %H:%M:%S}"
