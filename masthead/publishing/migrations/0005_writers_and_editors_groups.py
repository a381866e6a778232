from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# Frozen here on purpose: a later change to roles.py must come with its own migration.
WRITER_PERMISSIONS = [
    "view_post", "add_post", "change_post", "submit_post",
    "view_postauthor", "add_postauthor", "change_postauthor", "delete_postauthor",
    "view_author", "view_topic", "view_blog",
]  # fmt: skip
EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    "review_post", "publish_post", "delete_post", "view_posttransition",
    "view_previewlink", "add_previewlink", "change_previewlink",
    "add_author", "change_author", "add_topic", "change_topic",
]  # fmt: skip


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; make ours now so the groups get them
    # (the same way as discussion's 0002 for the Moderators).
    app_config = apps.get_app_config("publishing")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Writers", WRITER_PERMISSIONS), ("Editors", EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                Q(content_type__app_label="publishing") & Q(codename__in=codenames)
            )
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0004_desk_workflow_and_preview_links"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
