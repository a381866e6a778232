"""The Moderators group: who may use the moderation queue."""

from django.contrib.auth.models import Group, Permission

MODERATORS_GROUP = "Moderators"
MODERATOR_PERMISSIONS = [
    "moderate_comment",
    "view_comment",
    "change_comment",
    "view_moderationdecision",
    "view_moderationrules",
    "change_moderationrules",
    "add_moderationrules",
    "view_thread",
]


def ensure_moderators_group() -> Group:
    """The group with its permissions; the data migration makes it, this repairs it if removed."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="discussion", codename__in=MODERATOR_PERMISSIONS
        )
    )
    return group
