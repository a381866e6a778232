"""What the discussion announces, for parts that act on it without the models knowing them.

The models send these inside the transaction that made the change; receivers that
reach outside the database (mail) wait for the commit with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# A reader's comment was stored and awaits moderation. Sent with ``comment``, after the
# commit, each receiver on its own; a receiver that fails is run again later by the
# worker (masthead/discussion/aftermath.py), so receivers must be safe to run twice.
comment_submitted = Signal()
# A moderator approved a comment. Sent with ``comment``.
comment_approved = Signal()
