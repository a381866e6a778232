"""The signals that keep search in step, connected once in ``SearchConfig.ready``.

Publishing knows nothing of search: search listens to publishing's models.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from masthead.publishing import batches
from masthead.publishing.models import Author, Post, PostAuthor, Topic
from masthead.search import indexing

UID = "masthead.search"


def post_saved(sender, instance, raw=False, **kwargs):
    if not raw and not batches.defer([instance.pk]):
        indexing.reindex_posts([instance.pk])


def posts_saved_in_batch(sender, post_ids, **kwargs):
    indexing.reindex_posts(post_ids)


def post_deleted(sender, instance, **kwargs):
    indexing.remove_posts([instance.pk])


def byline_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or isinstance(origin, Post):
        return  # the post itself is going: its own delete signal removes the document
    if not batches.defer([instance.post_id]):
        indexing.reindex_posts([instance.post_id])


def topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action != "pre_clear" and not batches.defer([instance.pk]):
            indexing.reindex_posts([instance.pk])
    elif action == "pre_clear":
        # topic.posts.clear(): which posts lose the topic is known only before.
        instance._search_posts_losing_topic = list(instance.posts.values_list("pk", flat=True))
    elif action == "post_clear":
        indexing.reindex_posts(getattr(instance, "_search_posts_losing_topic", []))
    else:
        indexing.reindex_posts(pk_set or [])


def author_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        indexing.reindex_posts(instance.bylines.values_list("post_id", flat=True))


def topic_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        indexing.reindex_posts(instance.posts.values_list("pk", flat=True))


def topic_deleting(sender, instance, **kwargs):
    # The m2m rows go by cascade without m2m_changed: remember whose documents name it.
    instance._search_posts_losing_topic = list(instance.posts.values_list("pk", flat=True))


def topic_deleted(sender, instance, **kwargs):
    indexing.reindex_posts(getattr(instance, "_search_posts_losing_topic", []))


def connect():
    post_save.connect(post_saved, sender=Post, dispatch_uid=f"{UID}.post_saved")
    post_delete.connect(post_deleted, sender=Post, dispatch_uid=f"{UID}.post_deleted")
    post_save.connect(byline_changed, sender=PostAuthor, dispatch_uid=f"{UID}.byline_saved")
    post_delete.connect(byline_changed, sender=PostAuthor, dispatch_uid=f"{UID}.byline_deleted")
    m2m_changed.connect(topics_changed, sender=Post.topics.through, dispatch_uid=f"{UID}.topics")
    post_save.connect(author_saved, sender=Author, dispatch_uid=f"{UID}.author_saved")
    post_save.connect(topic_saved, sender=Topic, dispatch_uid=f"{UID}.topic_saved")
    pre_delete.connect(topic_deleting, sender=Topic, dispatch_uid=f"{UID}.topic_deleting")
    post_delete.connect(topic_deleted, sender=Topic, dispatch_uid=f"{UID}.topic_deleted")
    batches.posts_saved_in_batch.connect(posts_saved_in_batch, dispatch_uid=f"{UID}.batch")
