"""A public page is everywhere a post is (search, sitemap, API, static output), a draft
nowhere, and each of them learns of a change through masthead.changes."""

import pytest
from django.core.management import call_command

from masthead.pages.models import Page
from masthead.static_site.writer import StaticSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(institution):
    about = Page.objects.create(
        title="About the Institute", slug="about", status=Page.Status.PUBLISHED,
        body="We study **municipal bonds** and public budgets.",
    )  # fmt: skip
    staff = Page.objects.create(
        title="Research Staff", slug="staff", parent=about, status=Page.Status.PUBLISHED,
        body="Our economists of municipal bonds.",
    )  # fmt: skip
    draft = Page.objects.create(
        title="Secret Plans", slug="plans", body="Unannounced municipal bonds work.",
    )  # fmt: skip
    return {"about": about, "staff": staff, "draft": draft}


def test_search_finds_public_pages_and_never_a_draft(client, pages):
    html = client.get("/search/?q=municipal+bonds").content.decode()
    section = html.split('class="search-pages"', 1)[1].split("</section>", 1)[0]
    assert 'href="/about/"' in section and 'href="/about/staff/"' in section
    assert "Secret Plans" not in html and "/plans/" not in html
    assert "Research Staff" not in client.get("/search/?q=nothingmatcheshere").content.decode()


def test_the_sitemap_lists_public_pages_only(client, pages):
    xml = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/about/staff/" in xml
    assert "/plans/" not in xml
    section = client.get("/sitemap-pages.xml")
    assert section.status_code == 200 and "/about/" in section.content.decode()


def test_the_sitemap_index_names_the_pages_section(client, pages, published_post, settings):
    settings.MASTHEAD_SITEMAP_LIMIT = 1
    xml = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in xml and "sitemap-pages.xml" in xml


def test_the_api_lists_and_gives_public_pages_only(client, pages):
    listing = client.get("/api/v1/pages").json()
    assert {item["path"] for item in listing["items"]} == {"about", "about/staff"}
    one = client.get("/api/v1/pages/about/staff").json()
    assert one["parent"] == "about" and one["url"] == "http://testserver/about/staff/"
    assert "municipal bonds" in one["body_html"]
    assert client.get("/api/v1/pages/plans").status_code == 404
    assert "/pages/{page_path}" in client.get("/api/v1/schema").content.decode()


def test_static_output_writes_public_pages_and_removes_one_unpublished(
    client, pages, tmp_path, settings
):
    settings.STATIC_ROOT = tmp_path / "collected"
    folder = tmp_path / "site"
    call_command("publish_static", str(folder), "--once")
    written = (folder / "about" / "staff" / "index.html").read_bytes()
    assert b"Our economists" in written
    assert not (folder / "plans").exists()

    site = StaticSite(folder)
    staff = pages["staff"]
    staff.status = Page.Status.DRAFT
    staff.save()
    site.publish_subjects([f"page:{staff.pk}"])
    assert not (folder / "about" / "staff" / "index.html").exists()
    assert b"/about/staff/" not in (folder / "about" / "index.html").read_bytes()


def test_a_page_change_is_recorded_for_the_static_publisher(pages, settings):
    from masthead.static_site.models import StaticChange

    settings.MASTHEAD_STATIC_PUBLISHING = True
    pages["about"].title = "About us"
    pages["about"].save()
    assert StaticChange.objects.filter(subject=f"page:{pages['about'].pk}").exists()
