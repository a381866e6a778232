"""What the role tables share: the people, signing them in, the cast of posts, and the
admin's own URL list turned into templates.

The tables (tests/publishing/test_roles_on_every_admin_url.py,
tests/desk/test_roles_on_every_desk_url.py, tests/pages/test_roles_on_every_page_url.py)
try every address with every role; each keeps its own snapshot of what a hostile
request could change, since that is what differs between them.
"""

import datetime
import re

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from masthead.discussion.roles import ensure_moderators_group
from masthead.publishing.models import Author, Post
from tests.conftest import make_post

PASSWORD = "a long enough password"
ROUTE_PARAMETER = re.compile(r"<[^>]+>|\([^)]*\)")


def person(username, group=None, **fields):
    """A staff account in ``group`` (a Group or its name), as the desk and admin see people."""
    user = get_user_model().objects.create_user(
        username, f"{username}@harbour.example.org", PASSWORD, is_staff=True, **fields
    )
    if group is not None:
        user.groups.add(group if isinstance(group, Group) else Group.objects.get(name=group))
    return user


def log_in(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])


def admin_url_templates(models):
    """(model, URL template with {0} {1} for its arguments) for every admin URL of
    ``models``: the admin's own list, so a view added later is tried without anyone
    remembering to add it."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if model not in models:
            continue
        base = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for pattern in model_admin.get_urls():
            route = str(pattern.pattern).removeprefix("^").removesuffix("$")
            pieces = ROUTE_PARAMETER.split(route)
            template = "".join(
                piece + (f"{{{index}}}" if index < len(pieces) - 1 else "")
                for index, piece in enumerate(pieces)
            )
            found.append((model, base + template))
    return found


def cleo_and_ada(blog, each_post=lambda post: None):
    """Cleo writes three posts (published, draft, scheduled), each saved twice so that an
    earlier version exists; Ada, a writer too, writes none of them. ``each_post`` adds
    what a table needs hanging on each post."""
    cleo, ada = person("cleo", "Writers"), person("ada", "Writers")
    cleo_author = Author.objects.create(display_name="Cleo Marsh", slug="cleo", user=cleo)
    Author.objects.create(display_name="Ada Okafor", slug="ada", user=ada)
    now = timezone.now()
    posts = {
        "published": make_post(
            blog, [cleo_author], title="SECRET-published-title",
            body="SECRET-published-body", publish_at=now - datetime.timedelta(days=1),
        ),
        "draft": make_post(
            blog, [cleo_author], title="SECRET-draft-title", body="SECRET-draft-body",
            status=Post.Status.DRAFT,
        ),
        "scheduled": make_post(
            blog, [cleo_author], title="SECRET-scheduled-title", body="SECRET-scheduled-body",
            status=Post.Status.SCHEDULED, publish_at=now + datetime.timedelta(days=2),
        ),
    }  # fmt: skip
    for post in posts.values():
        # A second saved version: the record a hostile restore would bring back.
        post.body += "\n\nA later paragraph."
        post.save()
        each_post(post)
    return {
        "cleo": cleo,
        "ada": ada,
        "moderator": person("mo", ensure_moderators_group()),
        "editor": person("ines", "Editors"),
        "posts": posts,
    }
