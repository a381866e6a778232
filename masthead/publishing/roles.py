"""The desk's groups: Writers and Editors (Moderators belong to the discussion app).

Their migration makes them; ``ensure_editorial_groups`` repairs them if someone
removed a permission or a group by hand.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

WRITERS_GROUP = "Writers"
EDITORS_GROUP = "Editors"

# (app label, codename) pairs. Writers change only their own posts: the admin
# narrows "change_post" to the posts whose byline names them.
WRITER_PERMISSIONS = [
    ("publishing", "view_post"), ("publishing", "add_post"), ("publishing", "change_post"),
    ("publishing", "submit_post"),
    ("publishing", "view_postauthor"), ("publishing", "add_postauthor"),
    ("publishing", "change_postauthor"), ("publishing", "delete_postauthor"),
    ("publishing", "view_author"), ("publishing", "view_topic"), ("publishing", "view_blog"),
    ("publishing", "view_bodyimage"), ("publishing", "add_bodyimage"),
    ("publishing", "change_bodyimage"), ("publishing", "delete_bodyimage"),
]  # fmt: skip
EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    ("publishing", "review_post"), ("publishing", "publish_post"), ("publishing", "delete_post"),
    ("publishing", "view_posttransition"),
    ("publishing", "view_previewlink"), ("publishing", "add_previewlink"),
    ("publishing", "change_previewlink"),
    ("publishing", "add_author"), ("publishing", "change_author"),
    ("publishing", "add_topic"), ("publishing", "change_topic"),
    # Standing pages (masthead.pages, migration 0002 there): only names, no import.
    ("pages", "view_page"), ("pages", "add_page"), ("pages", "change_page"),
    ("pages", "delete_page"), ("pages", "view_oldaddress"), ("pages", "add_oldaddress"),
    ("pages", "change_oldaddress"), ("pages", "delete_oldaddress"),
]  # fmt: skip

GROUPS = {WRITERS_GROUP: WRITER_PERMISSIONS, EDITORS_GROUP: EDITOR_PERMISSIONS}


def permissions_matching(permission_model, pairs):
    query = Q(pk__in=[])
    for app_label, codename in pairs:
        query |= Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(query)


def ensure_editorial_groups() -> dict[str, Group]:
    groups = {}
    for name, pairs in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions_matching(Permission, pairs))
        groups[name] = group
    return groups
