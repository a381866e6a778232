"""The demo's sample content: a believable site, loaded as often as you like without drift."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic
from masthead.server.sample.loader import DEMO_LOGINS, load_sample_content


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sample_site(db, media_root, settings, django_capture_on_commit_callbacks):
    # The admin's password is hashed once per load; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # As when committed: public posts' pictures then move to the public media root.
    with django_capture_on_commit_callbacks(execute=True):
        load_sample_content()


def snapshot(media_root):
    """Everything a second load could disturb: rows, field values, picture files."""
    posts = {
        (post.blog.slug, post.slug): (
            post.revision, post.publish_at, post.updated_at, post.status, post.title,
            post.featured_image.name,
            tuple(post.bylines.values_list("author__slug", "position")),
            tuple(post.topics.order_by("slug").values_list("slug", flat=True)),
        )
        for post in Post.objects.select_related("blog")
    }  # fmt: skip
    counts = {
        model.__name__: model.objects.count()
        for model in (Institution, Blog, Author, Topic, Post, PostAuthor)
    }
    files = {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media_root.rglob("*")
        if path.is_file()
    }
    return counts, posts, files


def test_loading_the_sample_content_twice_changes_nothing(sample_site, media_root):
    before = snapshot(media_root)
    load_sample_content()
    assert snapshot(media_root) == before


def test_an_editors_change_to_a_sample_post_survives_reloading(sample_site):
    post = Post.objects.public().order_by("publish_at").first()
    moved = post.publish_at - datetime.timedelta(days=3)
    post.title = "Retitled by an editor"
    post.publish_at = moved
    post.save()
    load_sample_content()
    post.refresh_from_db()
    assert (post.title, post.publish_at, post.revision) == ("Retitled by an editor", moved, 2)


def test_a_deleted_picture_is_drawn_again_and_cleaned_like_an_upload(sample_site, media_root):
    post = Post.objects.exclude(featured_image="").first()
    assert re.fullmatch(r"posts/\d{4}/[0-9a-f]{24}/full-\d+x\d+\.jpg", post.featured_image.name)
    Path(default_storage.path(post.featured_image.name)).unlink()
    load_sample_content()
    post.refresh_from_db()
    assert default_storage.exists(post.featured_image.name)


def test_the_institution_has_a_short_name_a_website_and_comment_guidelines(sample_site):
    institution = Institution.objects.get()
    assert institution.short_name and institution.short_name != institution.name
    assert institution.url.startswith("https://") and ".example.org" in institution.url
    assert institution.tagline
    assert "<li>" in institution.comment_guidelines_html


def test_there_are_at_least_three_blogs_each_with_a_tagline_and_description(sample_site):
    blogs = list(Blog.objects.all())
    assert len(blogs) >= 3
    assert all(blog.tagline and blog.description for blog in blogs)
    assert len({blog.tagline for blog in blogs}) == len(blogs)


def test_six_authors_one_of_them_an_institution_cited_by_its_name_alone(sample_site):
    authors = list(Author.objects.all())
    assert len(authors) == 6
    institutional = [author for author in authors if author.is_institutional]
    assert len(institutional) == 1
    assert institutional[0].given_name == institutional[0].family_name == ""
    people = [author for author in authors if not author.is_institutional]
    assert all(person.given_name and person.family_name for person in people)
    assert any(person.family_name.split()[0].islower() for person in people), "a particle"
    assert all(author.role and author.bio for author in authors)


def test_every_author_has_a_square_portrait(sample_site, media_root):
    for author in Author.objects.all():
        with Image.open(media_root / author.photo.name) as photo:
            assert photo.width == photo.height >= 200


def test_twenty_four_public_posts_spread_over_at_least_eighteen_months(sample_site):
    public = Post.objects.public()
    assert public.count() == 24
    times = sorted(public.values_list("publish_at", flat=True))
    assert times[-1] - times[0] >= datetime.timedelta(days=540)
    assert len({(time.year, time.month) for time in times}) >= 15


def test_several_posts_have_two_or_three_authors_in_a_fixed_order(sample_site):
    shared = [post for post in Post.objects.public() if post.bylines.count() in (2, 3)]
    assert len(shared) >= 5
    for post in shared:
        positions = list(post.bylines.order_by("position").values_list("position", flat=True))
        assert positions == list(range(len(positions)))


def test_drafts_and_the_scheduled_post_are_not_shown_to_readers(sample_site, client):
    drafts = Post.objects.filter(status=Post.Status.DRAFT)
    scheduled = Post.objects.filter(status=Post.Status.SCHEDULED, publish_at__gt=timezone.now())
    assert drafts.count() >= 2
    assert scheduled.count() >= 1
    for post in [*drafts, *scheduled]:
        assert client.get(post.get_absolute_url()).status_code == 404
        assert post.title not in client.get("/").content.decode()


def test_most_public_posts_have_a_described_captioned_and_credited_image(sample_site, media_root):
    public = list(Post.objects.public())
    illustrated = [post for post in public if post.featured_image]
    assert len(illustrated) >= len(public) * 3 // 4
    for post in illustrated:
        assert post.image_alt and post.image_caption and post.image_credit
        path = media_root / post.featured_image.name
        assert path.stat().st_size < 150_000
        with Image.open(path) as image:
            assert (image.format, image.size) == ("JPEG", (1200, 675))


def test_every_public_post_reads_as_an_article_with_structure(sample_site, client):
    for post in Post.objects.public():
        assert post.summary
        assert "<h2>" in post.body_html
        assert any(tag in post.body_html for tag in ("<ul>", "<ol>", "<blockquote>", "<a "))
        assert post.body_html.count("<p>") >= 3
        assert "lorem" not in post.body.lower()
        assert client.get(post.get_absolute_url()).status_code == 200


def test_a_corrected_post_shows_its_note_and_update_time(sample_site, client):
    corrected = Post.objects.public().exclude(correction_note="")
    assert corrected.exists()
    post = corrected.first()
    assert post.publish_at < post.updated_at < timezone.now()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Updated" in html and post.correction_note in html


def test_the_demo_admin_can_sign_in_after_any_number_of_loads(sample_site, client):
    load_sample_content()
    username, password = DEMO_LOGINS["admin"]
    # Through the real login form: it is the one the demo's printed login is for.
    signed_in = client.post("/admin/login/", {"username": username, "password": password})
    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_author_shows_an_orcid_id_that_passes_its_check(sample_site, client):
    author = Author.objects.exclude(orcid="").get()
    author.full_clean()  # the check character holds
    page = client.get(author.get_absolute_url()).content.decode()
    assert f"https://orcid.org/{author.orcid}" in page


def test_a_post_has_numbered_footnotes(sample_site, client):
    post = Post.objects.public().get(body__contains="[^")
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'aria-label="Note 1"' in html and 'id="fn-2"' in html
    assert '<h2 id="notes-heading">Notes</h2>' in html


def test_a_corrected_post_keeps_the_version_readers_saw_before_the_correction(sample_site, client):
    post = Post.objects.public().get(versions__isnull=False)
    [version] = post.versions.all()
    assert "about two thirds of a typical bill" in version.body
    assert "a little under half of a typical bill" in post.body
    page = client.get(version.get_absolute_url())
    assert page.status_code == 200
    assert "about two thirds of a typical bill" in page.content.decode()
