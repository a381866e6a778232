"""Content changes, recorded for a running ``publish_static``: the consumer ``masthead.changes``
tells of committed changes.

Each record names the subject of the change only; which files that touches is
worked out by the watcher (``masthead.static_site.pages``) when it reads the
record, against the database as it is then. Changes made without signals
(``QuerySet.update()``, raw SQL) are not seen here: the watcher's periodic full
pass catches them, as it would a record lost to a failure after the commit.
"""

from django.conf import settings

from masthead import changes

# What a change of each public model re-renders: "post" re-renders the post and every
# listing it is on; "cite" and "comments" only the post's own pages.
SUBJECTS = {
    "publishing.Post": "post",
    "publishing.PostAuthor": "post",
    "publishing.PostVersion": "cite",
    "discussion.Comment": "comments",  # only a comment readers see (see masthead.changes)
    "discussion.Thread": "comments",
    "citations.FormattedCitation": "cite",
    "citations.PrintedPost": "cite",
    "citations.PostDoi": "cite",
    "citations.SentenceCaseTitle": "cite",
    "citations.VersionCitation": "cite",
}
# Changes whose own pages are listings: the blog's, the author's, the topic's.
OWN_PAGES = {"publishing.Blog": "blog", "publishing.Author": "author", "publishing.Topic": "topic"}


def subjects_of(change: changes.Change) -> set[str]:
    if change.label is None:
        return set()  # a bulk write: the watcher's full pass
    if change.of("publishing.Institution"):
        return {"site"}
    if change.of("publishing.Post_topics"):
        # topic.posts.clear(): the topic's page, which no post lists any more.
        if getattr(change.instance, "_masthead_posts_losing_topic", None) is not None:
            return {f"topic:{change.instance.pk}"}
        return {f"post:{post_id}" for post_id in change.post_ids}
    if change.of("pages.Page"):
        return {f"page:{change.pk}"}
    if change.of("pages.PageVersion"):
        page_id = getattr(change.instance, "page_id", None)
        return {f"page:{page_id}"} if page_id else set()
    if change.label in OWN_PAGES:
        return {f"{OWN_PAGES[change.label]}:{change.pk}"}
    kind = SUBJECTS.get(change.label)
    return {f"{kind}:{post_id}" for post_id in change.post_ids or ()} if kind else set()


def changes_committed(committed: list[changes.Change]) -> None:
    if not settings.MASTHEAD_STATIC_PUBLISHING:
        return
    from masthead.static_site.models import StaticChange

    subjects = set().union(*(subjects_of(change) for change in committed))
    StaticChange.objects.bulk_create([StaticChange(subject=name) for name in sorted(subjects)])
