"""The anonymous page cache: readers without a session are answered from stored whole pages.

- ``store``: the in-process store of ready answers, and the rules for using it;
- ``version``: the page version every process shares, moved on by any public change;
- ``consumer``: the consumer ``masthead.changes`` tells of each committed change;
- ``schedule``: the next moment pages change by the clock (a scheduled post);
- ``asgi``: answering a hit from the ASGI scope, before Django builds a request;
- ``middleware``: the same under WSGI and the test client, and where pages are stored.
"""


def reset() -> None:
    """Forget every stored page and what is known of the version (tests, settings changes)."""
    from masthead.pagecache.schedule import clock
    from masthead.pagecache.store import page_store
    from masthead.pagecache.version import page_version

    page_store.clear()
    page_version.forget()
    clock.forget()
