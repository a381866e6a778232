"""An earlier version of a post has its own reference, naming the version by its address."""

from django.utils import timezone

from masthead.citations.models import VersionCitation
from masthead.citations.tasks import format_version_citations
from masthead.publishing.models import Post


def correct(post, **changes):
    post = Post.objects.get(pk=post.pk)
    for name, value in changes.items():
        setattr(post, name, value)
    post.updated_at = timezone.now()
    post.correction_note = "Retitled and corrected."
    post.save()
    return post


def test_a_kept_version_is_cited_with_the_title_it_had_and_its_own_address(
    client, published_post, site_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        correct(published_post, title="Storage Alone Will Not Do", body="New text.")
    assert callbacks, "keeping a version queues the formatting of its references"
    version = published_post.versions.get()
    format_version_citations.call(version.pk)
    apa = VersionCitation.objects.get(version=version, style_id="apa").text
    assert "Batteries Will Not Save the Grid Alone" in apa
    assert "https://harbour.example.org/energy/batteries-alone/versions/1/" in apa

    page = client.get("/energy/batteries-alone/versions/1/").content.decode()
    assert "Cite this version" in page
    assert "/energy/batteries-alone/versions/1/" in page.split("Cite this version")[1]


def test_until_its_references_are_ready_the_version_page_gives_its_address(
    client, published_post, site_url
):
    correct(published_post, body="New text.")
    page = client.get("/energy/batteries-alone/versions/1/").content.decode()
    assert "being prepared" in page
    assert "https://harbour.example.org/energy/batteries-alone/versions/1/" in page
