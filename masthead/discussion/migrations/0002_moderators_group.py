from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def create_moderators_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make ours now so the group gets them.
    # The migration's app stub lacks models_module, which create_permissions only checks for
    # truth before reading the models from ``apps``.
    app_config = apps.get_app_config("discussion")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="discussion", codename__in=MODERATOR_PERMISSIONS
        )
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
