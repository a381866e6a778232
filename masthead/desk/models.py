"""What the desk remembers besides the posts: the Word files brought in, by their contents."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class WordFile(models.Model):
    """One Word document imported into a post, known by the SHA-256 of its bytes, so that
    bringing the same file again is noticed (replace that draft, or make a new one)."""

    sha256 = models.CharField(max_length=64, db_index=True)
    post = models.ForeignKey("publishing.Post", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("file name", max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["imported_at", "pk"]

    def __str__(self):
        return f"{self.name or 'Word file'} → {self.post}"
