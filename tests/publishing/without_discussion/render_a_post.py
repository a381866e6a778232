"""Run in its own process: migrate a fresh database, publish a post, print its page."""

import datetime
import sys

import django
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

django.setup()

from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor  # noqa: E402

call_command("migrate", verbosity=0)
Institution.objects.create(name="Harbour Institute", url="https://harbour.example.org")
blog = Blog.objects.create(name="Energy Desk", slug="energy", tagline="Experts on energy")
post = Post.objects.create(
    blog=blog, title="Batteries Will Not Save the Grid Alone", slug="batteries-alone",
    status=Post.Status.PUBLISHED, publish_at=timezone.now() - datetime.timedelta(days=1),
    body="Storage shifts power in *time*.",
)  # fmt: skip
ada = Author.objects.create(display_name="Ada Okafor", slug="ada-okafor")
PostAuthor.objects.create(post=post, author=ada, position=0)
response = Client().get(post.get_absolute_url())
sys.stdout.write(f"{response.status_code}\n{response.content.decode()}")
