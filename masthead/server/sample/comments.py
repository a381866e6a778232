"""The demo's discussion: a moderator login and a few comments in every state.

The demo command calls ``ensure_moderator_login()`` and ``load_sample_comments()``;
both can run again and again without adding anything twice.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from masthead.discussion.abuse import RateCount, flags_for
from masthead.discussion.models import Comment
from masthead.discussion.roles import ensure_moderators_group
from masthead.publishing.models import Post

MODERATOR_LOGIN = ("moderator", "masthead-moderator")

# (name, email, text, status, reply to the comment at this index or None)
SAMPLE_COMMENTS = [
    ("Priya Raman", "priya@example.org",
     "The point about transmission is well made. Our county waited four years for a grid "
     "connection; the batteries were ready long before the line was.", "approved", None),
    ("Tomás Ferreira", "tomas@example.net",
     "Do you have figures for curtailment in the regions you mention? The regulator's "
     "annual report at https://example.org/report is where I would start.", "approved", None),
    ("Priya Raman", "priya@example.org",
     "Page 14 of that report has the curtailment table, for anyone looking.", "approved", 1),
    ("Jo Whitfield", "jo@example.com",
     "I think the piece undersells demand response, but a good read nonetheless.", "pending", None),
    ("cheap-deals-4u", "deals@example.com",
     "Great post!!! Visit http://spam.example/a http://spam.example/b http://spam.example/c",
     "pending", None),
]  # fmt: skip


def ensure_moderator_login() -> tuple[str, str]:
    """A staff user in the Moderators group; returns (username, password)."""
    username, password = MODERATOR_LOGIN
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = True
    user.email = user.email or "moderator@example.org"
    # Only when needed: re-hashing on every run would change the row each time.
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    user.groups.add(ensure_moderators_group())
    return MODERATOR_LOGIN


@transaction.atomic
def load_sample_comments(post: Post | None = None) -> str:
    """Comments on the newest public post (or ``post``): three published, two pending."""
    post = post or Post.objects.public().order_by("-publish_at").first()
    if post is None:
        return "No public post to hang sample comments on."
    if Comment.objects.filter(post=post, email__in=[c[1] for c in SAMPLE_COMMENTS]).exists():
        return f"Sample comments already on “{post.title}”."
    created: list[Comment] = []
    for name, email, text, status, reply_to in SAMPLE_COMMENTS:
        comment = Comment(
            post=post,
            author_name=name,
            email=email,
            parent=created[reply_to] if reply_to is not None else None,
        )
        comment.set_text(text)
        comment.flags = flags_for(
            body=comment.body,
            known_commenter=any(c.email == email for c in created),
            duplicate=False,
            rate=RateCount(per_ip=1, per_email=1),
            seconds_to_submit=90,
            honeypot="",
        )
        comment.save()
        if status == "approved":
            comment.approve()
        created.append(comment)
    return f"Sample comments added to “{post.title}”: 3 published, 2 awaiting moderation."
