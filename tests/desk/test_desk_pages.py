"""The desk at /desk/: who comes in, what home shows, writing, the workflow, history, Word."""

import datetime
import os
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from masthead.discussion.roles import ensure_moderators_group
from masthead.publishing.models import Author, Post, PostAutosave, Topic
from tests.conftest import make_post
from tests.desk.conftest import person
from tests.importers.test_word import article_docx, media_root  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get("/desk/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/?next=/desk/")


def test_a_moderator_is_sent_to_the_moderation_queue(client):
    client.force_login(person("mo", ensure_moderators_group()))
    answer = client.get("/desk/")
    assert answer.status_code == 302 and answer["Location"] == "/moderation/"
    assert client.get("/desk/new/").status_code == 302


def test_home_shows_a_returned_draft_with_the_editors_note_first(
    client, writer, desk_editor, draft_post
):
    draft_post.submit(by=writer)
    draft_post.return_to_writer(by=desk_editor, note="Cite the 2023 tariff schedule.")
    client.force_login(writer)
    page = client.get("/desk/").content.decode()
    assert "Returned to me" in page and "Cite the 2023 tariff schedule." in page
    assert page.index("Returned to me") < page.index("My drafts")
    assert "Awaiting my review" not in page  # writers review nothing


def test_home_shows_an_editor_what_awaits_review_and_the_schedule_in_time_order(
    client, desk_editor, blog, ada, draft_post
):
    draft_post.status = Post.Status.IN_REVIEW
    draft_post.save()
    now = timezone.now()
    later = make_post(blog, [ada], title="Later scheduled", status=Post.Status.SCHEDULED,
                      publish_at=now + datetime.timedelta(days=3))  # fmt: skip
    sooner = make_post(blog, [ada], title="Sooner scheduled", status=Post.Status.SCHEDULED,
                       publish_at=now + datetime.timedelta(hours=5))  # fmt: skip
    client.force_login(desk_editor)
    page = client.get("/desk/").content.decode()
    review = page[page.index("Awaiting my review") : page.index("My drafts")]
    assert draft_post.title in review
    assert page.index(sooner.title) < page.index(later.title)


def test_home_counts_comments_awaiting_moderation_for_those_who_moderate(client, desk_editor):
    client.force_login(desk_editor)
    assert "awaiting moderation" not in client.get("/desk/").content.decode()
    desk_editor.groups.add(ensure_moderators_group())
    page = client.get("/desk/").content.decode()
    assert "0 comments awaiting moderation" in page and 'href="/moderation/"' in page


def test_search_finds_by_words_and_filters_by_topic_and_status(
    client, desk_editor, published_post, draft_post, topic
):
    client.force_login(desk_editor)
    found = client.get("/desk/", {"q": "tariffs"}).context["results"]
    assert list(found) == [draft_post]
    found = client.get("/desk/", {"topic": topic.pk, "status": "published"}).context["results"]
    assert list(found) == [published_post]


def test_a_writers_search_never_finds_a_colleagues_post(client, writer, blog, ben):
    make_post(blog, [ben], title="Ben's secret draft", status=Post.Status.DRAFT)
    client.force_login(writer)
    page = client.get("/desk/", {"q": "secret"}).content.decode()
    assert "Ben's secret draft" not in page


def test_a_writer_starts_a_post_that_carries_their_name_and_topics(client, writer, blog, topic):
    client.force_login(writer)
    answer = client.post("/desk/new/", {
        "title": "Grids in winter", "summary": "", "body": "First line.", "blog": blog.pk,
        "slug": "", "comments_open": "on", "topic_names": "grid storage",
        "image_focus_x": "0.5", "image_focus_y": "0.5",
    })  # fmt: skip
    post = Post.objects.get(title="Grids in winter")
    assert answer.status_code == 302 and answer["Location"] == f"/desk/{post.pk}/"
    assert post.status == Post.Status.DRAFT and post.slug == "grids-in-winter"
    assert post.byline == [writer.author] and list(post.topics.all()) == [topic]


def test_a_writer_cannot_invent_topics_or_set_the_byline(client, writer, draft_post, ben):
    client.force_login(writer)
    answer = client.post(f"/desk/{draft_post.pk}/", {
        "title": draft_post.title, "body": "New words.", "blog": draft_post.blog_id,
        "slug": draft_post.slug, "topic_names": "Brand new topic", "byline": "Ben van der Berg",
        "image_focus_x": "0.5", "image_focus_y": "0.5",
    })  # fmt: skip
    assert answer.status_code == 200
    assert "an editor can add new topics" in answer.content.decode()
    assert not Topic.objects.filter(name="Brand new topic").exists()
    draft_post.refresh_from_db()
    assert draft_post.body != "New words." and [a.slug for a in draft_post.byline] == ["ada-okafor"]


def test_an_editor_orders_the_byline_by_typing_names(client, desk_editor, draft_post, ben, ada):
    client.force_login(desk_editor)
    answer = client.post(f"/desk/{draft_post.pk}/", {
        "title": draft_post.title, "body": draft_post.body, "blog": draft_post.blog_id,
        "slug": draft_post.slug, "byline": "Ben van der Berg, Ada Okafor",
        "topic_names": "A new topic", "image_focus_x": "0.2", "image_focus_y": "0.8",
    })  # fmt: skip
    assert answer.status_code == 302
    draft_post = Post.objects.with_byline().get(pk=draft_post.pk)
    assert draft_post.byline == [ben, ada]
    assert (draft_post.image_focus_x, draft_post.image_focus_y) == (0.2, 0.8)
    assert list(draft_post.topics.values_list("name", flat=True)) == ["A new topic"]


def test_the_writing_view_offers_only_the_steps_this_person_may_take(
    client, writer, desk_editor, draft_post
):
    client.force_login(writer)
    page = client.get(f"/desk/{draft_post.pk}/").content.decode()
    assert 'value="submit"' in page and 'value="approve"' not in page
    draft_post.submit(by=writer)
    page = client.get(f"/desk/{draft_post.pk}/").content.decode()
    assert 'name="action"' not in page
    # Submitted, it is the desk's: read-only for its writer, with no Save and no autosave.
    assert 'form="post-form"' not in page and "data-autosave-url" not in page
    client.force_login(desk_editor)
    page = client.get(f"/desk/{draft_post.pk}/").content.decode()
    assert 'value="approve"' in page and 'value="return"' in page and 'value="publish"' not in page


def test_submitting_mails_the_editors_the_desk_address(
    client, writer, desk_editor, draft_post, settings
):
    settings.MASTHEAD_SITE_URL = "https://commentary.example.org:8443"
    second = person("noor", "Editors")
    get_user_model().objects.filter(pk=person("quiet", "Editors").pk).update(email="")
    person("root", is_superuser=True)
    person("colleague", "Writers")
    person("gone", "Editors", is_active=False)
    client.force_login(writer)
    client.post(f"/desk/{draft_post.pk}/step/", {"action": "submit"})
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.IN_REVIEW
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [desk_editor.email, second.email]
    )
    for message in mail.outbox:
        assert len(message.to) == 1 and draft_post.title in message.subject
        assert f"https://commentary.example.org:8443/desk/{draft_post.pk}/" in message.body
        assert "Ada" in message.body or "ada" in message.body


def test_a_refused_submission_mails_nobody(client, desk_editor, draft_post):
    client.force_login(person("stranger", "Writers"))
    client.post(f"/desk/{draft_post.pk}/step/", {"action": "submit"})
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.DRAFT and not mail.outbox


def test_returning_needs_a_note_which_is_kept_and_mailed_to_the_writer(
    client, writer, desk_editor, draft_post
):
    draft_post.submit(by=writer)
    client.force_login(desk_editor)
    client.post(f"/desk/{draft_post.pk}/step/", {"action": "return", "note": "  "})
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.IN_REVIEW and not mail.outbox
    client.post(f"/desk/{draft_post.pk}/step/", {"action": "return", "note": "Shorten the intro."})
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.DRAFT
    assert draft_post.transitions.first().note == "Shorten the intro."
    assert [message.to for message in mail.outbox] == [[writer.email]]
    assert "Shorten the intro." in mail.outbox[0].body
    assert f"/desk/{draft_post.pk}/" in mail.outbox[0].body
    # Not public: the post page shows no note.
    assert (
        "Shorten the intro." not in client.get(f"/desk/{draft_post.pk}/preview/").content.decode()
    )


def test_an_editor_schedules_an_approved_post_for_its_publish_time(
    client, writer, desk_editor, draft_post
):
    draft_post.submit(by=writer)
    draft_post.approve(by=desk_editor)
    when = timezone.now() + datetime.timedelta(days=1)
    Post.objects.filter(pk=draft_post.pk).update(publish_at=when)
    client.force_login(desk_editor)
    client.post(f"/desk/{draft_post.pk}/step/", {"action": "schedule"})
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.SCHEDULED and draft_post.publish_at == when
    assert not draft_post.is_public


def test_a_writer_cannot_publish_their_own_draft_by_posting_the_step(client, writer, draft_post):
    client.force_login(writer)
    client.post(f"/desk/{draft_post.pk}/step/", {"action": "publish"})
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.DRAFT


def test_a_correction_publishes_the_typed_text_and_keeps_what_readers_saw_as_a_version(
    client, desk_editor, published_post
):
    client.force_login(desk_editor)
    typed = published_post.body.replace("in *time*", "in *time* (hours, not seasons)")
    client.post(f"/desk/{published_post.pk}/autosave/", {
        "title": published_post.title, "summary": published_post.summary, "body": typed,
    })  # fmt: skip
    step = {"action": "correction", "note": "Fixed a date."}
    client.post(f"/desk/{published_post.pk}/step/", step)
    published_post.refresh_from_db()
    assert published_post.correction_note == "Fixed a date." and published_post.updated_at
    assert published_post.body == typed
    earlier = published_post.versions.get()
    assert "hours, not seasons" not in earlier.body and "in *time*" in earlier.body
    page = client.get(published_post.get_absolute_url()).content.decode()
    assert "Fixed a date." in page and "hours, not seasons" in page


def test_unsaved_text_is_offered_to_load_and_the_preview_shows_the_saved_text_until_then(
    client, writer, draft_post
):
    client.force_login(writer)
    answer = client.post(f"/desk/{draft_post.pk}/autosave/", {
        "title": draft_post.title, "summary": "", "body": "## Typed, not saved\n\nWords.",
    })  # fmt: skip
    assert answer.status_code == 200 and "Typed, not saved" in answer.json()["preview_html"]
    # Coming back: the editor holds the saved text, and so does the preview...
    preview = client.get(f"/desk/{draft_post.pk}/preview/")
    page = preview.content.decode()
    assert '<div class="post__body">' in page and "Typed, not saved" not in page
    assert draft_post.body.split()[0] in page
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    # ...and the page offers the unsaved text, to load or to discard.
    writing = client.get(f"/desk/{draft_post.pk}/").content.decode()
    assert 'id="unsaved-offer"' in writing and "Discard it" in writing
    offered = writing.split('id="unsaved-text"')[1]
    assert "## Typed, not saved" in offered.split("</script>")[0]
    draft_post.refresh_from_db()
    assert "Typed, not saved" not in draft_post.body  # kept apart until Save
    discarded = client.post(f"/desk/{draft_post.pk}/autosave/discard/")
    assert discarded.status_code == 302 and not PostAutosave.objects.exists()
    assert 'id="unsaved-offer"' not in client.get(f"/desk/{draft_post.pk}/").content.decode()


def test_nobody_discards_a_colleagues_unsaved_text_or_a_post_they_may_not_change(
    client, writer, draft_post, desk_editor
):
    client.force_login(desk_editor)
    client.post(f"/desk/{draft_post.pk}/autosave/", {"title": "t", "body": "the editor's words"})
    client.force_login(writer)
    client.post(f"/desk/{draft_post.pk}/autosave/discard/")
    # The writer's discard drops only their own (they had none); the editor's stays.
    assert PostAutosave.objects.get().user == desk_editor
    draft_post.submit(by=writer)
    client.post(f"/desk/{draft_post.pk}/autosave/", {"title": "t", "body": "late words"})
    assert client.post(f"/desk/{draft_post.pk}/autosave/discard/").status_code == 403
    assert PostAutosave.objects.count() == 1


def test_saving_the_writing_view_keeps_a_version_and_drops_the_autosave(client, writer, draft_post):
    client.force_login(writer)
    client.post(f"/desk/{draft_post.pk}/autosave/", {"title": "x", "body": "draft words"})
    client.post(f"/desk/{draft_post.pk}/", {
        "title": draft_post.title, "body": "Saved words.", "blog": draft_post.blog_id,
        "slug": draft_post.slug, "image_focus_x": "0.5", "image_focus_y": "0.5",
    })  # fmt: skip
    draft_post.refresh_from_db()
    assert draft_post.body == "Saved words."
    assert not PostAutosave.objects.filter(post=draft_post).exists()
    assert draft_post.history.first().history_user == writer


def test_history_compares_versions_and_an_editor_restores_text_but_not_status(
    client, desk_editor, published_post
):
    first = published_post.history.earliest("history_date")
    published_post.body = "A rewritten body."
    published_post.save()
    client.force_login(desk_editor)
    page = client.get(f"/desk/{published_post.pk}/history/").content.decode()
    assert (
        "Removed: </span>Storage shifts power" in page and "Added: </span>A rewritten body." in page
    )
    client.post(f"/desk/{published_post.pk}/history/{first.history_id}/restore/")
    published_post.refresh_from_db()
    assert "Storage shifts power" in published_post.body
    assert published_post.status == Post.Status.PUBLISHED and published_post.is_public


def test_the_summary_suggestion_is_the_first_sentences_of_the_body(client, desk_editor, blog):
    post = make_post(blog, [], title="Suggest", status=Post.Status.DRAFT, body=(
        "# Heading\n\nPrices rose in *May*. Importers paid [first](https://example.org). "
        + "Then consumers paid more, and more, and more. " * 8
    ))  # fmt: skip
    client.force_login(desk_editor)
    suggestion = client.get(f"/desk/{post.pk}/").context["suggested_summary"]
    assert suggestion.startswith("Prices rose in May. Importers paid first.")
    assert "*" not in suggestion and "https" not in suggestion and "Heading" not in suggestion


def test_names_are_found_as_they_are_typed_not_carried_in_the_page(
    client, desk_editor, draft_post, ben
):
    Author.objects.bulk_create(
        Author(display_name=f"Contributor {number:03}", slug=f"contributor-{number:03}")
        for number in range(400)
    )
    client.force_login(desk_editor)
    page = client.get(f"/desk/{draft_post.pk}/").content.decode()
    assert "Contributor 0" not in page and "<datalist" not in page
    assert 'role="combobox"' in page and 'data-suggest="authors"' in page
    found = client.get("/desk/names/", {"kind": "authors", "q": "contributor 2"}).json()["names"]
    assert found == [f"Contributor {number:03}" for number in range(200, 210)]
    # Those that begin with what is typed come first, then those that contain it.
    Author.objects.create(display_name="Ava Bergson", slug="ava-bergson")
    found = client.get("/desk/names/", {"kind": "authors", "q": "berg"}).json()["names"]
    assert found == ["Ava Bergson", "Ben van der Berg"]
    Author.objects.create(display_name="Bergen Aalto", slug="bergen-aalto")
    found = client.get("/desk/names/", {"kind": "authors", "q": "  BERG "}).json()["names"]
    assert found[0] == "Bergen Aalto" and len(found) == 3
    topics = client.get("/desk/names/", {"kind": "topics", "q": "grid"}).json()["names"]
    assert topics == []
    Topic.objects.create(name="Grid Storage", slug="grid-storage")
    assert client.get("/desk/names/", {"kind": "topics", "q": "stor"}).json() == {
        "names": ["Grid Storage"]
    }


def test_name_suggestions_follow_the_permission_rules(client, writer, ben):
    client.force_login(writer)
    # A writer does not set bylines: no author search for them; topics they may type.
    assert client.get("/desk/names/", {"kind": "authors", "q": "ben"}).status_code == 403
    assert client.get("/desk/names/", {"kind": "topics", "q": "x"}).status_code == 200
    assert client.get("/desk/names/", {"kind": "users", "q": "a"}).status_code == 400
    assert client.post("/desk/names/", {"kind": "topics"}).status_code == 405
    long = client.get("/desk/names/", {"kind": "topics", "q": "x" * 100_000})
    assert long.status_code == 200 and long.json() == {"names": []}
    client.logout()
    assert client.get("/desk/names/", {"kind": "topics"}).status_code == 302
    client.force_login(person("mo", ensure_moderators_group()))
    answer = client.get("/desk/names/", {"kind": "authors", "q": "ben"})
    assert answer.status_code == 302 and "Ben" not in answer.content.decode()


def test_nothing_on_the_desk_carries_inline_script_or_style(client, desk_editor, draft_post):
    client.force_login(desk_editor)
    for url in ["/desk/", f"/desk/{draft_post.pk}/", f"/desk/{draft_post.pk}/history/",
                "/desk/new/", "/desk/import/"]:  # fmt: skip
        page = client.get(url).content.decode()
        scripts = re.findall(r"<script[^>]*>", page)
        assert all(" src=" in tag or "application/json" in tag for tag in scripts)
        assert not re.search(r"\s(style|on[a-z]+)=", page), url


def upload(client, path, blog, **extra):
    with open(path, "rb") as handle:
        return client.post("/desk/import/", {"document": handle, "blog": blog.pk, **extra})


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    """Kept Word files land under the data directory: one of this test's own."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.mark.usefixtures("media_root")
def test_a_word_file_lands_in_the_writing_view_and_a_second_upload_asks_what_to_do(
    client, writer, blog, request, settings
):
    document = request.getfixturevalue("article_docx")
    client.force_login(writer)
    answer = upload(client, document, blog)
    post = Post.objects.with_byline().get()
    assert answer.status_code == 302 and answer["Location"] == f"/desk/{post.pk}/"
    assert post.byline == [writer.author]
    post.body = "Edited since the import."
    post.save()
    again = upload(client, document, blog)
    page = again.content.decode()
    assert again.status_code == 200 and Post.objects.count() == 1
    assert "was imported before" in page and f'href="/desk/{post.pk}/"' in page
    assert 'value="replace"' in page and 'value="new"' in page
    assert 'type="file"' not in page  # the file is kept: no second upload
    kept = re.search(r'name="kept" value="([0-9a-f]{64})"', page).group(1)
    kept_files = list((settings.DATA_DIR / "word-uploads" / str(writer.pk)).iterdir())
    assert [path.name for path in kept_files] == [f"{kept}.docx"]
    # "Replace the draft": no file sent this time.
    answer = client.post("/desk/import/", {
        "blog": blog.pk, "kept": kept, "kept_name": "rates.docx", "again": "replace",
    })  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == f"/desk/{post.pk}/"
    post.refresh_from_db()
    assert Post.objects.count() == 1 and "Councils rely on" in post.body
    assert not kept_files[0].exists()  # used, then removed
    # "Make a new one", again without a second upload.
    upload(client, document, blog)
    client.post("/desk/import/", {"blog": blog.pk, "kept": kept, "again": "new"})
    assert Post.objects.count() == 2


@pytest.mark.usefixtures("media_root")
def test_a_kept_word_file_is_only_its_senders_and_not_kept_for_ever(
    client, writer, blog, request, settings, tmp_path
):
    document = request.getfixturevalue("article_docx")
    client.force_login(writer)
    upload(client, document, blog)
    page = upload(client, document, blog).content.decode()
    kept = re.search(r'name="kept" value="([0-9a-f]{64})"', page).group(1)
    # Another writer who learns the digest finds nothing of it.
    client.force_login(person("ben", "Writers"))
    answer = client.post("/desk/import/", {"blog": blog.pk, "kept": kept, "again": "new"})
    assert answer.status_code == 200 and "no longer kept" in answer.content.decode()
    assert Post.objects.count() == 1
    for forged in ["../" * 4 + "etc/passwd", "*", kept.upper(), kept[:-1] + "g"]:
        answer = client.post("/desk/import/", {"blog": blog.pk, "kept": forged, "again": "new"})
        assert answer.status_code == 200 and Post.objects.count() == 1
    # A day later (or five newer uploads on), the kept file is gone at the next upload.
    client.force_login(writer)
    folder = settings.DATA_DIR / "word-uploads" / str(writer.pk)
    (only,) = folder.iterdir()
    old = time.time() - 2 * 24 * 3600
    os.utime(only, (old, old))
    other = tmp_path / "another.docx"
    other.write_bytes(document.read_bytes() + b"\0")
    with other.open("rb") as handle:
        client.post("/desk/import/", {"document": handle, "blog": blog.pk})
    assert not only.exists()
    answer = client.post("/desk/import/", {"blog": blog.pk, "kept": kept, "again": "new"})
    assert "no longer kept" in answer.content.decode() and Post.objects.count() == 2


@pytest.mark.usefixtures("media_root")
def test_an_oversized_word_file_is_refused_and_not_kept(
    client, writer, blog, request, settings, monkeypatch
):
    from masthead.importers import word_upload

    document = request.getfixturevalue("article_docx")
    monkeypatch.setattr(word_upload, "MAX_DOCUMENT_BYTES", document.stat().st_size - 1)
    client.force_login(writer)
    answer = upload(client, document, blog)
    assert answer.status_code == 200 and "Nothing was imported" in answer.content.decode()
    assert not Post.objects.exists()
    assert not (settings.DATA_DIR / "word-uploads").exists()


def test_an_empty_summary_follows_the_body_until_the_writer_writes_one(client, writer, blog):
    client.force_login(writer)
    form = {
        "title": "Grids", "summary": "", "blog": blog.pk, "slug": "",
        "body": "Queues are long. Most projects never get built.", "image_focus_x": "0.5",
        "image_focus_y": "0.5",
    }  # fmt: skip
    client.post("/desk/new/", form)
    post = Post.objects.get(title="Grids")
    assert post.summary == "Queues are long. Most projects never get built."
    assert post.summary_is_automatic
    url = f"/desk/{post.pk}/"
    client.post(url, {**form, "summary": post.summary, "body": "Queues are shorter now."})
    post.refresh_from_db()
    assert post.summary == "Queues are shorter now." and post.summary_is_automatic
    client.post(url, {**form, "summary": "My own words.", "body": "Queues grew again."})
    post.refresh_from_db()
    assert post.summary == "My own words." and not post.summary_is_automatic
