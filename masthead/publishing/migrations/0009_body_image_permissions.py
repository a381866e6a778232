from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# Frozen here on purpose, like 0005: writers and editors describe the pictures in their
# posts (alt text, caption, credit) and remove them; uploading is checked against the post.
BODY_IMAGE_PERMISSIONS = [
    "view_bodyimage", "add_bodyimage", "change_bodyimage", "delete_bodyimage",
]  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("publishing")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        Q(content_type__app_label="publishing") & Q(codename__in=BODY_IMAGE_PERMISSIONS)
    )
    for name in ("Writers", "Editors"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="publishing", codename__in=BODY_IMAGE_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=["Writers", "Editors"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("publishing", "0008_body_images")]

    operations = [migrations.RunPython(grant, revoke)]
