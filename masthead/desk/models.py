"""What the desk keeps of its own: which page started which new post.

A new post's writing view carries a key made when the page was drawn. The first
autosave (or a plain "Save the draft") creates the draft under that key, once: the
key is unique, so a retried or doubled request finds the draft the first one made
instead of making a second. Two tabs are two pages with two keys: two posts.
"""

import uuid

from django.conf import settings
from django.db import models

from masthead.publishing.models import Post


class NewPostKey(models.Model):
    key = models.UUIDField(default=uuid.uuid4, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.key} → {self.post}"
