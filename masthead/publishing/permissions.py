"""Who may read or change a post: the one rule every admin, desk and preview view asks.

Editors (and administrators) may read and change any post. A Writer may read the
posts whose byline names them, and change one only while it is a draft (new, or
returned to them); once submitted it is the desk's. Status and publish time move
only through the post's transition methods, never through a form or a restored
version, so "change" here means the text and the fields around it.

The rule is also Django's object permission (``user.has_perm("publishing.change_post",
post)``) through ``PostPermissionBackend``, so code that asks Django the usual way,
such as the admin's own views and inlines, gets the same answer.
"""

from django.contrib.auth.backends import BaseBackend

EDITOR_PERMISSIONS = ("publishing.review_post", "publishing.publish_post")


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_editor(user) -> bool:
    return _active(user) and any(user.has_perm(name) for name in EDITOR_PERMISSIONS)


def _in_byline(user, post) -> bool:
    from masthead.publishing.models import PostAuthor

    return bool(post.pk) and PostAuthor.objects.filter(post_id=post.pk, author__user=user).exists()


def _saved_status(post) -> str | None:
    """The post's status as stored now: an object built from an old version, or a form's
    instance, may carry another one."""
    from masthead.publishing.models import Post

    if not post.pk:
        return post.status
    return Post.objects.filter(pk=post.pk).values_list("status", flat=True).first()


def may_read_post(user, post) -> bool:
    """Read before publication: its editors, and the writers in its byline."""
    if not _active(user):
        return False
    if is_editor(user):
        return True
    return (
        user.has_perm("publishing.view_post") or user.has_perm("publishing.change_post")
    ) and _in_byline(user, post)


def may_change_post(user, post) -> bool:
    """Change text and fields (never status): editors any post, writers their own drafts."""
    from masthead.publishing.models import Post

    if not _active(user) or not user.has_perm("publishing.change_post"):
        return False
    if is_editor(user):
        return True
    return _in_byline(user, post) and _saved_status(post) == Post.Status.DRAFT


def may_restore_version(user, post) -> bool:
    """Put an earlier version's text back: an editor's act, on a post they may change."""
    return is_editor(user) and may_change_post(user, post)


def may_share_preview(user, post) -> bool:
    """Make a reviewer's preview link, readable by anyone who has it: editors only."""
    return is_editor(user) and may_read_post(user, post)


def may_edit_byline(user) -> bool:
    """Who comes first in a byline, and who is in it (so who may edit the post), is the
    editors' decision: a writer's own new post gets their name by itself."""
    return is_editor(user)


def posts_readable_by(user, posts):
    """``posts`` narrowed to those ``user`` may read."""
    if is_editor(user):
        return posts
    if not _active(user):
        return posts.none()
    return posts.filter(bylines__author__user=user).distinct()


def post_of(obj):
    """The post an object belongs to (the post itself, a picture, a byline line, a link)."""
    from masthead.publishing.models import Post

    if isinstance(obj, Post):
        return obj
    post = getattr(obj, "post", None)
    return post if isinstance(post, Post) else None


class PostPermissionBackend(BaseBackend):
    """Answers Django's object-level questions about posts and what hangs on them.

    Without an object it says nothing, leaving the model-wide answer to ModelBackend.
    """

    READ = {"view_post", "view_bodyimage", "view_postauthor", "view_previewlink"}
    CHANGE = {
        "change_post",
        "add_bodyimage",
        "change_bodyimage",
        "delete_bodyimage",
    }
    BYLINE = {"add_postauthor", "change_postauthor", "delete_postauthor"}

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None or not perm.startswith("publishing."):
            return False
        post = post_of(obj)
        if post is None:
            return False
        codename = perm.removeprefix("publishing.")
        if not user_obj.has_perm(perm):
            return False
        if codename in self.READ:
            return may_read_post(user_obj, post)
        if codename in self.CHANGE:
            return may_change_post(user_obj, post)
        if codename in self.BYLINE:
            return may_edit_byline(user_obj) and may_change_post(user_obj, post)
        if codename == "delete_post":
            return is_editor(user_obj)
        return False
