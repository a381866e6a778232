"""A new post becomes a draft at its first autosave, once per page, whatever is retried."""

import uuid

import pytest
from django.test import RequestFactory

from masthead.desk import views
from masthead.desk.models import NewPostKey
from masthead.publishing.models import Post
from tests.desk.conftest import person

pytestmark = pytest.mark.django_db


def first_keystrokes(client, key, blog, **fields):
    data = {"new_key": str(key), "blog": blog.pk, "title": "", "summary": "", "body": "Hel"}
    return client.post("/desk/new/autosave/", {**data, **fields})


def test_the_page_carries_a_key_and_the_first_autosave_makes_the_draft(client, writer, blog, ada):
    client.force_login(writer)
    page = client.get("/desk/new/").content.decode()
    key = page.split('name="new_key" value="')[1].split('"')[0]
    answer = first_keystrokes(client, key, blog, title="Storage, at last", body="## Why\n\nNow.")
    assert answer.status_code == 200
    made = answer.json()
    post = Post.objects.get(pk=made["post"]["id"])
    assert (post.title, post.status, post.blog, post.byline) == (
        "Storage, at last",
        Post.Status.DRAFT,
        blog,
        [ada],
    )
    assert "Why</h2>" in made["preview_html"]
    assert made["post"]["write_url"] == f"/desk/{post.pk}/"
    # Its preview and its pictures answer at once.
    assert client.get(made["post"]["preview_url"]).status_code == 200
    refused = client.post(made["post"]["upload_url"], {"alt": "nothing"})
    assert refused.status_code == 400 and "Choose an image" in refused.json()["error"]


def test_the_same_first_autosave_sent_twice_makes_one_draft(client, writer, blog):
    client.force_login(writer)
    key = uuid.uuid4()
    first = first_keystrokes(client, key, blog).json()["post"]["id"]
    again = first_keystrokes(client, key, blog, body="Hello").json()
    assert again["post"]["id"] == first
    assert Post.objects.count() == 1
    # The second is kept as the writer's unsaved text, as any later autosave is.
    assert Post.objects.get().autosaves.get(user=writer).body == "Hello"
    # The no-script "Save the draft" of the same page saves that draft, not a second one.
    client.post("/desk/new/", {
        "new_key": str(key), "title": "Named now", "body": "Hello there.", "blog": blog.pk,
        "image_focus_x": "0.5", "image_focus_y": "0.5",
    })  # fmt: skip
    assert list(Post.objects.values_list("pk", "title")) == [(first, "Named now")]


def test_a_race_lost_at_the_database_answers_with_the_winners_draft(writer, blog):
    """Two requests that both found no draft: the key's uniqueness rolls the second back."""
    key = uuid.uuid4()
    request = RequestFactory().post("/desk/new/autosave/")
    request.user = writer

    def make(title):
        return lambda: Post.objects.create(blog=blog, title=title, slug=title, body="x")

    winner = views.create_draft(request, key, make("first"))
    loser = views.create_draft(request, key, make("second"))
    assert loser == winner
    assert list(Post.objects.values_list("title", flat=True)) == ["first"]


def test_someone_elses_key_changes_nothing_and_reads_nothing(client, writer, blog):
    client.force_login(writer)
    key = uuid.uuid4()
    first_keystrokes(client, key, blog, title="Ada's private draft", body="SECRET words")
    other = person("ben", "Writers")
    client.force_login(other)
    answer = first_keystrokes(client, key, blog, body="DEFACED")
    assert answer.status_code == 403 and "SECRET" not in answer.content.decode()
    page = client.post("/desk/new/", {"new_key": str(key), "title": "DEFACED", "body": "x",
                                      "blog": blog.pk})  # fmt: skip
    assert page.status_code == 403
    post = Post.objects.get()
    assert post.body == "SECRET words" and not post.autosaves.exists()


@pytest.mark.parametrize("key", ["", "not-a-key", "../../etc"])
def test_a_first_autosave_without_a_proper_key_makes_nothing(client, writer, blog, key):
    client.force_login(writer)
    answer = first_keystrokes(client, key, blog)
    assert answer.status_code == 400 and not Post.objects.exists()


def test_an_oversized_title_and_summary_are_cut_to_what_the_post_holds(client, writer, blog):
    client.force_login(writer)
    answer = first_keystrokes(client, uuid.uuid4(), blog, title="T" * 5000, summary="S" * 5000)
    post = Post.objects.get(pk=answer.json()["post"]["id"])
    assert len(post.title) == 240 and len(post.summary) == 600


def test_untitled_drafts_in_one_blog_get_addresses_of_their_own(client, writer, blog):
    client.force_login(writer)
    for _ in range(3):
        first_keystrokes(client, uuid.uuid4(), blog)
    assert sorted(Post.objects.values_list("slug", flat=True)) == [
        "untitled-draft", "untitled-draft-2", "untitled-draft-3",
    ]  # fmt: skip
    assert NewPostKey.objects.count() == 3


def test_a_moderator_makes_no_draft(client, blog):
    from masthead.discussion.roles import ensure_moderators_group

    client.force_login(person("mo", ensure_moderators_group()))
    answer = first_keystrokes(client, uuid.uuid4(), blog)
    assert answer.status_code in {302, 403} and not Post.objects.exists()
