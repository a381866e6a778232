"""``export_json`` writes every blog, author, topic, post and comment, whatever its state."""

import io
import json

from django.core.management import call_command

from masthead.discussion.models import Comment


def exported(*args) -> dict:
    out = io.StringIO()
    call_command("export_json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_json_export_holds_the_site_posts_and_comments_in_every_state(
    published_post, draft_post, ben
):
    approved = Comment(post=published_post, author_name="Priya Raman", email="priya@example.org")
    approved.set_text("Well argued.")
    approved.save()
    approved.approve()
    held = Comment(post=published_post, author_name="Jo", email="jo@example.com", parent=approved)
    held.set_text("Not yet seen.")
    held.save()

    document = exported()
    assert (document["format"], document["version"]) == ("masthead-export", 1)
    assert document["institution"]["name"] == "Harbour Institute for Public Affairs"
    assert [b["slug"] for b in document["blogs"]] == ["energy"]
    assert {"ada-okafor", "ben-van-der-berg"} <= {a["slug"] for a in document["authors"]}
    posts = {p["slug"]: p for p in document["posts"]}
    assert posts["tariffs"]["status"] == "draft"
    lead = posts["batteries-alone"]
    assert lead["authors"] == ["ada-okafor", "ben-van-der-berg"]
    assert lead["topics"] == ["grid-storage"]
    assert lead["body_markdown"].startswith("## Why storage is not enough")
    assert lead["url"].endswith("/energy/batteries-alone/")
    comments = {c["body"]: c for c in lead["comments"]}
    assert comments["Well argued."]["status"] == "approved"
    assert comments["Not yet seen."]["status"] == "pending"
    assert comments["Not yet seen."]["parent"] == comments["Well argued."]["id"]


def test_the_json_export_can_be_written_to_a_file(published_post, tmp_path):
    target = tmp_path / "site.json"
    out = io.StringIO()
    call_command("export_json", str(target), stdout=out)
    assert "Wrote" in out.getvalue() and "1 posts" in out.getvalue()
    assert json.loads(target.read_text())["posts"][0]["title"] == published_post.title


def test_an_empty_site_exports_an_empty_list_of_posts(db):
    assert exported()["posts"] == []
