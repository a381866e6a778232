"""Background work of the citations app, run by `masthead db_worker`.

Tasks call into ``formatting``; nothing in ``formatting`` imports this module.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from masthead.citations import dois
from masthead.citations.formatting import (
    core_styles,
    format_post_by_id,
    format_posts,
    format_version,
)
from masthead.publishing.models import Post, PostVersion

# Below the default priority (0) that mails have: the database backend's worker
# takes the highest priority first, so a commenter's mail never waits behind a
# queue of styles readers asked for. Same queue, so every worker runs both.
FORMATTING_PRIORITY = -10
# How many posts one engine call formats when a save touches many of them.
REFORMAT_BATCH = 250


@task(priority=FORMATTING_PRIORITY)
def format_post_citations(post_id: int, style_ids: list[str]) -> int:
    """Format a post in styles a reader asked for."""
    return format_post_by_id(post_id, style_ids)


@task(priority=FORMATTING_PRIORITY)
def reformat_posts(post_ids: list[int] | None = None) -> int:
    """Re-format the core styles of these posts, or of every post when None.

    Queued when the institution, a blog or an author is saved: one save can
    touch every post, too much work for the editor's request to wait on.
    """
    posts = Post.objects.with_byline().order_by("pk")
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    stored = 0
    ids = list(posts.values_list("pk", flat=True))
    for start in range(0, len(ids), REFORMAT_BATCH):
        batch = list(posts.filter(pk__in=ids[start : start + REFORMAT_BATCH]))
        stored += format_posts(batch, core_styles())
    return stored


# Crossref deposits: tried again after 1, 4, 16 and 64 minutes, then left failed
# (with Crossref's message on the DOI record) for `register_dois` or a later save.
MAX_DEPOSIT_ATTEMPTS = 5


@task(priority=FORMATTING_PRIORITY)
def deposit_post_doi(post_id: int) -> str:
    """Deposit a post's DOI metadata with Crossref, if it is new or has changed."""
    post = Post.objects.with_byline().filter(pk=post_id).first()
    record = getattr(post, "doi_record", None) if post else None
    if post is None or record is None or not dois.needs_deposit(post, record):
        return "nothing to deposit"
    try:
        dois.deposit(post)
    except dois.DepositFailed as failure:
        record.refresh_from_db(fields=["attempts"])
        if record.attempts < MAX_DEPOSIT_ATTEMPTS:
            retry_at = timezone.now() + timedelta(minutes=4 ** (record.attempts - 1))
            deposit_post_doi.using(run_after=retry_at).enqueue(post_id)
        return f"failed: {failure}"
    return "deposited"


@task(priority=FORMATTING_PRIORITY)
def deposit_changed_dois(post_ids: list[int] | None = None) -> int:
    """Deposit again every DOI whose metadata changed with an author or the institution."""
    posts = Post.objects.public().with_byline().filter(doi_record__isnull=False).order_by("pk")
    if post_ids is not None:
        posts = posts.filter(pk__in=post_ids)
    deposited = 0
    for post in posts:
        if dois.needs_deposit(post, post.doi_record):
            deposit_post_doi.enqueue(post.pk)
            deposited += 1
    return deposited


@task(priority=FORMATTING_PRIORITY)
def format_version_citations(version_id: int) -> int:
    """Format the references to an earlier version, kept at a substantive update."""
    version = PostVersion.objects.select_related("post__blog").filter(pk=version_id).first()
    return format_version(version) if version else 0
