"""Saving posts in bulk: what derives from each post is brought up to date once per batch.

An editor's save tells ``masthead.changes`` of the post, its byline rows and
its topics, each on its own. An import of thousands of posts would describe
each post several times over. Inside ``posts_in_batches()`` those changes are
only noted, and ``flush()`` announces every noted post as one change, for each
consumer to do its part in bulk. The state is per thread, so a web request
saving a post at the same time is unaffected. (The mechanism lives in
``masthead.changes``; this is publishing's name for it, which imports use.)
"""

from masthead.changes import flush, posts_in_batches

__all__ = ["flush", "posts_in_batches"]
