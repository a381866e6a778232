from django_tasks import task

from masthead.citations.formatting import format_post_by_id

# Below the default priority (0) that mails have: the database backend's worker
# takes the highest priority first, so a commenter's mail never waits behind a
# queue of styles readers asked for. Same queue, so every worker runs both.
FORMATTING_PRIORITY = -10


@task(priority=FORMATTING_PRIORITY)
def format_post_citations(post_id: int, style_ids: list[str]) -> int:
    """Format a post in styles a reader asked for (run by `masthead db_worker`)."""
    return format_post_by_id(post_id, style_ids)
