"""The demo's sample content is data: Markdown files with a YAML header, checked as saves are."""

import shutil

import pytest

from masthead.publishing.models import Post
from masthead.server.sample.loader import (
    SAMPLE_DIR,
    SampleContentError,
    load_sample_content,
    read_sample_site,
)


@pytest.fixture
def sample_copy(tmp_path):
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


@pytest.fixture
def quick_site(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_each_post_file_names_its_blog_by_folder_and_its_slug_by_file_name(sample_copy):
    site = read_sample_site(sample_copy)
    assert len(site.posts) == len(list(sample_copy.glob("posts/*/*.md"))) == 27
    path = sample_copy / "posts" / "cities" / "why-bus-lanes-win-slowly.md"
    post = next(p for p in site.posts if p.slug == "why-bus-lanes-win-slowly")
    assert post.blog == "cities"
    assert post.body.strip().splitlines()[-1] in path.read_text()


def test_a_changed_file_changes_what_a_fresh_site_gets(sample_copy, quick_site):
    path = sample_copy / "posts" / "energy" / "transmission-decides-the-pace.md"
    text = path.read_text().replace(
        "title: 'Batteries Are Not a Grid Strategy", "title: 'Wires Before Batteries", 1
    )
    path.write_text(text)
    load_sample_content(sample_copy)
    assert Post.objects.get(slug="transmission-decides-the-pace").title.startswith(
        "Wires Before Batteries"
    )


def test_a_post_file_that_breaks_an_editorial_rule_stops_the_load_and_names_the_file(
    sample_copy, quick_site
):
    (sample_copy / "posts" / "energy" / "no-time-given.md").write_text(
        "---\ntitle: Scheduled Without a Time\nauthors: [data-team]\n"
        "status: scheduled\n---\n\nText.\n"
    )
    with pytest.raises(SampleContentError) as refusal:
        load_sample_content(sample_copy)
    assert "posts/energy/no-time-given.md" in str(refusal.value)
    assert "A scheduled post needs a publish time." in str(refusal.value)
    assert not Post.objects.exists()


def test_an_unknown_header_field_or_an_unquoted_time_is_named(sample_copy):
    path = sample_copy / "posts" / "energy" / "typo.md"
    path.write_text("---\ntitle: Typo\nauthors: [data-team]\nsumary: oops\n---\n\nText.\n")
    with pytest.raises(SampleContentError, match=r"energy/typo.md: unknown field\(s\) sumary"):
        read_sample_site(sample_copy)
    path.write_text("---\ntitle: Typo\nauthors: [data-team]\ntime: 10:30\n---\n\nText.\n")
    with pytest.raises(SampleContentError, match="time must be quoted as 'HH:MM'"):
        read_sample_site(sample_copy)


def test_a_post_whose_author_is_not_in_site_yaml_is_refused(sample_copy, quick_site):
    (sample_copy / "posts" / "energy" / "stranger.md").write_text(
        "---\ntitle: By a Stranger\nauthors: [nobody-here]\nstatus: draft\n---\n\nText.\n"
    )
    with pytest.raises(SampleContentError, match="'nobody-here' is not in site.yaml"):
        load_sample_content(sample_copy)
    assert not Post.objects.exists()


def test_the_demo_has_a_writer_and_an_editor_in_their_groups(quick_site):
    from django.contrib.auth import get_user_model

    from masthead.server.sample.loader import DEMO_LOGINS

    load_sample_content()
    users = get_user_model().objects
    writer = users.get(username=DEMO_LOGINS["writer"][0])
    editor = users.get(username=DEMO_LOGINS["editor"][0])
    assert writer.check_password(DEMO_LOGINS["writer"][1])
    assert writer.has_perm("publishing.submit_post") and not writer.has_perm(
        "publishing.publish_post"
    )
    assert editor.has_perm("publishing.publish_post")
    assert Post.objects.written_by(writer).exists()
