"""Posts saved before automatic summaries, and left without one, get theirs.

A data migration reads the rendered body each post already has, so it needs nothing
but the summary function (which is plain text work, no model method). Written with
``update``: the posts' revision, history and modification time are not an editor's
change and stay as they were. The fragment version moves on, so no page fragment cached
before shows a listing without them.
"""

import secrets

from django.db import migrations


def fill_automatic_summaries(apps, schema_editor):
    from masthead.publishing.automatic_summary import summary_from_body

    Post = apps.get_model("publishing", "Post")
    bare = Post.objects.filter(summary__regex=r"^\s*$").only("pk", "body_html")
    for post in bare.iterator(chunk_size=500):
        Post.objects.filter(pk=post.pk).update(
            summary=summary_from_body(post.body_html), summary_is_automatic=True
        )
    ContentVersion = apps.get_model("publishing", "ContentVersion")
    ContentVersion.objects.update_or_create(pk=1, defaults={"token": secrets.randbits(62) + 1})


def forget_automatic_summaries(apps, schema_editor):
    Post = apps.get_model("publishing", "Post")
    Post.objects.filter(summary_is_automatic=True).update(summary="", summary_is_automatic=False)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0013_post_image_focus_and_automatic_summary"),
    ]

    operations = [
        migrations.RunPython(fill_automatic_summaries, forget_automatic_summaries),
    ]
