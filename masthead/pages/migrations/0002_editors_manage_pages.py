from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here on purpose: editors keep the standing pages (and their old addresses);
# writers and moderators do not.
EDITOR_PAGE_PERMISSIONS = [
    "view_page", "add_page", "change_page", "delete_page",
    "view_oldaddress", "add_oldaddress", "change_oldaddress", "delete_oldaddress",
]  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="pages", codename__in=EDITOR_PAGE_PERMISSIONS
    )
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="pages", codename__in=EDITOR_PAGE_PERMISSIONS
    )
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("publishing", "0005_writers_and_editors_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
