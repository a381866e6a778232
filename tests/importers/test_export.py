"""``export_wxr`` writes the site as WordPress reads it; importing that into an empty Masthead
gives back every public page."""

import datetime
import difflib
import io
import re
import xml.etree.ElementTree as ElementTree

import nh3
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.publishing.models import Author, Blog, Institution, Post, Topic
from tests.conftest import illustrate, make_post

WP = "{http://wordpress.org/export/1.2/}"


def page_text(html: str) -> str:
    """What a reader sees: the words of the page, scripts and styles left out."""
    return " ".join(nh3.clean(html, tags=set()).split())


@pytest.fixture
def site(settings, tmp_path, institution, blog, other_blog, ada, ben, research_team, topic):
    settings.MEDIA_ROOT = tmp_path / "media"
    lead = make_post(
        blog, [ada, ben], title="Batteries Will Not Save the Grid Alone", slug="batteries-alone",
        publish_at=timezone.now() - datetime.timedelta(days=3),
        summary="Storage helps, but transmission matters more.",
        body="## Why storage is not enough\n\nStorage shifts power in *time*; lines in "
        "[space](https://example.org/lines).\n\n- one\n- two\n\n> A quotation.",
        updated_at=timezone.now() - datetime.timedelta(days=1),
        correction_note="An earlier version misstated the capacity.",
    )  # fmt: skip
    lead.topics.add(topic)
    illustrate(lead, alt="Pylons at dusk", caption="Pylons near the coast", credit="Photo: J. Ruiz")
    make_post(
        other_blog, [research_team], title="Trams Return", slug="trams-return",
        publish_at=timezone.now() - datetime.timedelta(days=10), body="Cities *rebuild* lines.",
    )  # fmt: skip
    make_post(blog, [ada], title="Not Yet", slug="not-yet", status=Post.Status.DRAFT)
    make_post(
        blog, [ada], title="Next Week", slug="next-week", status=Post.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(days=5),
    )  # fmt: skip
    first = Comment(post=lead, author_name="Priya Raman", email="priya@example.org")
    first.set_text("Transmission first.\nThen storage.")
    first.save()
    first.approve()
    reply = Comment(
        post=lead, author_name="Tomás Ferreira", email="tomas@example.net", parent=first
    )
    reply.set_text("Agreed, see https://example.org/report")
    reply.save()
    reply.approve()
    answer = Comment(
        post=lead, author_name="Priya Raman", email="priya@example.org", parent=first,
        in_reply_to=reply,
    )  # fmt: skip
    answer.set_text("Storage is the report's weak chapter.")
    answer.save()
    answer.approve()
    held = Comment(post=lead, author_name="Jo Whitfield", email="jo@example.com")
    held.set_text("Waiting for a moderator.")
    held.save()
    rejected = Comment(post=lead, author_name="Spammer", email="spam@example.com")
    rejected.set_text("Buy now")
    rejected.save()
    rejected.reject()
    return lead


def empty_the_site() -> None:
    """Remove every row of content and discussion, as on a freshly installed site.

    Plain SQL, because the moderation log rightly refuses deletion through the models;
    the foreign keys are checked when the test's transaction ends, so the order is free.
    """
    with connection.cursor() as cursor:
        for label in ("importers", "newsletter", "discussion", "citations", "pages", "publishing"):
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names


def public_addresses() -> list[str]:
    addresses = ["/", "/archive/"]
    addresses += [blog.get_absolute_url() for blog in Blog.objects.all()]
    addresses += [post.get_absolute_url() for post in Post.objects.public()]
    addresses += [author.get_absolute_url() for author in Author.objects.all()]
    addresses += [topic.get_absolute_url() for topic in Topic.objects.all()]
    return addresses


def test_the_export_is_wxr_1_2_with_posts_authors_comments_and_images_by_address(site, tmp_path):
    target = tmp_path / "site.xml"
    call_command("export_wxr", str(target), stdout=io.StringIO())
    channel = ElementTree.parse(target).getroot().find("channel")
    assert channel.find(f"{WP}wxr_version").text == "1.2"
    logins = [a.find(f"{WP}author_login").text for a in channel.findall(f"{WP}author")]
    assert sorted(logins) == ["ada-okafor", "ben-van-der-berg", "energy-team"]
    items = {i.find(f"{WP}post_id").text: i for i in channel.findall("item")}
    lead = items[str(site.pk)]
    assert lead.find("{http://purl.org/dc/elements/1.1/}creator").text == "ada-okafor"
    metas = {
        m.find(f"{WP}meta_key").text: m.find(f"{WP}meta_value").text
        for m in lead.findall(f"{WP}postmeta")
    }
    assert metas["_masthead_coauthors"] == "ben-van-der-berg"
    image = items[metas["_thumbnail_id"]]
    assert image.find(f"{WP}attachment_url").text.startswith("http")
    statuses = sorted(c.find(f"{WP}comment_approved").text for c in lead.findall(f"{WP}comment"))
    assert statuses == ["0", "1", "1", "1"]  # the rejected comment stays behind
    # WordPress threads by the comment answered: the answer to the reply names the reply.
    parents = {
        c.find(f"{WP}comment_content").text: c.find(f"{WP}comment_parent").text
        for c in lead.findall(f"{WP}comment")
    }
    ids = {c.find(f"{WP}comment_content").text: c.find(f"{WP}comment_id").text
           for c in lead.findall(f"{WP}comment")}  # fmt: skip
    reply_text = "Agreed, see https://example.org/report"
    assert parents["Storage is the report's weak chapter."] == ids[reply_text]
    assert parents[reply_text] == ids["Transmission first.\nThen storage."]
    kinds = sorted(i.find(f"{WP}status").text for i in items.values())
    assert kinds == ["draft", "future", "inherit", "publish", "publish"]


def test_export_then_import_into_an_empty_site_gives_back_every_public_page(
    site, tmp_path, client, settings
):
    before = {}
    for address in public_addresses():
        response = client.get(address)
        assert response.status_code == 200, address
        before[address] = page_text(response.text)
    hidden = [Post.objects.get(slug=s).get_absolute_url() for s in ("not-yet", "next-week")]
    export_file = tmp_path / "site.xml"
    call_command("export_wxr", str(export_file), stdout=io.StringIO())
    institution = Institution.objects.values().get()

    empty_the_site()
    assert not Post.objects.exists()
    Institution.objects.create(**institution)  # the site's own settings, not content
    call_command(
        "import_wxr", str(export_file), "--blog-from-category", "--media-dir",
        str(settings.MEDIA_ROOT), stdout=io.StringIO(),
    )  # fmt: skip

    for address, text in before.items():
        response = client.get(address)
        assert response.status_code == 200, address
        after = page_text(response.text)
        changed = [w for w in difflib.ndiff(text.split(), after.split()) if w[0] in "+-"]
        assert after == text, f"{address}: {changed}"
    for address in hidden:
        assert client.get(address).status_code == 404
    lead = Post.objects.get(slug="batteries-alone")
    assert [a.slug for a in lead.byline] == ["ada-okafor", "ben-van-der-berg"]
    assert lead.featured_image and lead.image_alt == "Pylons at dusk"
    assert Comment.objects.pending().get().body == "Waiting for a moderator."


def test_the_json_like_bits_of_a_title_survive_the_trip(site, tmp_path):
    site.title = 'Grids & "Lines" <for> ]]> everyone'
    site.save()
    export_file = tmp_path / "site.xml"
    call_command("export_wxr", str(export_file), stdout=io.StringIO())
    titles = [i.find("title").text for i in ElementTree.parse(export_file).getroot().iter("item")]
    assert 'Grids & "Lines" <for> ]]> everyone' in titles
    assert re.search(r"<title>Grids &amp;", export_file.read_text())
