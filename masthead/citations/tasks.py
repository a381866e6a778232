from django_tasks import task

from masthead.citations.formatting import format_post_by_id


@task()
def format_post_citations(post_id: int, style_ids: list[str]) -> int:
    """Format a post in styles a reader asked for (run by `masthead db_worker`)."""
    return format_post_by_id(post_id, style_ids)
