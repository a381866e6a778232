"""Where imported things came from: the memory that makes a re-import update, not duplicate.

Publishing knows nothing of these; they point at its models, never the other
way round. Deleting a post deletes its record here, so importing again brings
it back rather than leaving a dangling mapping.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.publishing.models import Author, Post


class ImportedAuthor(models.Model):
    """A WordPress login and the byline author it became (re-imports match on the login)."""

    login = models.CharField(max_length=200, unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.login} → {self.author}"


class ImportedPost(models.Model):
    """One WordPress post (id and GUID) and the Masthead post it became.

    ``old_path`` is the post's permalink path on the old site, answered with a
    permanent redirect, as is ``/?p=<wordpress_id>``. ``fingerprint`` is of the
    WordPress item as last imported, so a re-import can tell a post changed in
    WordPress since; ``revision`` is the post's revision after that import, so
    it can tell one changed by an editor here since (which it then leaves alone).
    """

    wordpress_id = models.PositiveBigIntegerField(db_index=True)
    guid = models.CharField(max_length=500)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    old_path = models.CharField(max_length=500, blank=True, db_index=True)
    fingerprint = models.CharField(max_length=64)
    revision = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wordpress_id", "guid"], name="imported_post_once"),
        ]

    def __str__(self):
        return f"WordPress post {self.wordpress_id} → {self.post}"


class ImportedComment(models.Model):
    """One WordPress comment on an imported post, and the comment it became."""

    imported_post = models.ForeignKey(ImportedPost, on_delete=models.CASCADE, related_name="+")
    wordpress_id = models.PositiveBigIntegerField()
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["imported_post", "wordpress_id"], name="imported_comment_once"
            ),
        ]

    def __str__(self):
        return f"WordPress comment {self.wordpress_id}"


class ImportedAttachment(models.Model):
    """A WordPress attachment: its original address always, and its copy here when made.

    Without ``--media-dir`` nothing is downloaded: the address, caption and alt
    text are kept here so a later import with the files can use them.
    """

    wordpress_id = models.PositiveBigIntegerField()
    guid = models.CharField(max_length=500)
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=300, blank=True)
    caption = models.TextField(blank=True)
    alt_text = models.CharField(max_length=300, blank=True)
    stored_file = models.CharField(
        max_length=300, blank=True, help_text="The copy in Masthead's media storage, if made."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wordpress_id", "guid"], name="imported_attachment_once"
            ),
        ]

    def __str__(self):
        return self.url


class ImportedDisqusComment(models.Model):
    """A Disqus post (comment) by its Disqus id, and the comment it became."""

    disqus_id = models.CharField(max_length=40, unique=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"Disqus comment {self.disqus_id}"


class ImportedWordFile(models.Model):
    """One Word document imported into a post, known by the SHA-256 of its bytes, so that
    bringing the same file again is noticed (replace that draft, or make a new one)."""

    sha256 = models.CharField(max_length=64, db_index=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("file name", max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["imported_at", "pk"]

    def __str__(self):
        return f"{self.name or 'Word file'} → {self.post}"

    @staticmethod
    def digest(chunks) -> str:
        found = hashlib.sha256()
        for chunk in chunks:
            found.update(chunk)
        return found.hexdigest()

    @classmethod
    def earlier(cls, sha256: str) -> "ImportedWordFile | None":
        """The latest import of a file with these bytes, if any."""
        return cls.objects.filter(sha256=sha256).select_related("post__blog").last()


class ImportedDocument(models.Model):
    """A document a WordPress body linked to (a PDF, a recording, an office file), brought
    home by ``import_wxr --fetch-media``: its old address, and the copy served from here.

    The copy lies under the public media root (``documents/<year>/<random>/<name>``), as it
    was public on the old site; the bodies that link it are rewritten to it. Importing
    again finds the copy here by its old address and fetches nothing.
    """

    url = models.CharField("old address", max_length=500, unique=True)
    stored_file = models.CharField(max_length=300, help_text="The copy in media storage.")
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.url
