"""What moves the page version on: every committed change that can alter a public answer.

The simplest rule that is correct: one version for the whole site, moved on by
any change to what readers see. Which changes those are is
``masthead.changes``'s account; this is its consumer, run after the commit,
once however many rows the transaction changed (an import saves thousands).
Other processes must not see a new version before the new data, or they would
store pages made from the old data under it: after the commit, they cannot.
"""

from masthead.pagecache.version import page_version


def changes_committed(changes) -> None:
    page_version.publish_change()
