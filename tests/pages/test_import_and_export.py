"""WordPress pages and menus come in as standing pages and menus, their old links answer
301s, and the exports carry the pages out again. The export below is written here, in
our own words: an institute's About page with a child, a draft, and two menus."""

import io
import json

import pytest
from django.core.management import call_command

from masthead.pages.models import Page
from tests.importers.wxr_builder import export, post

pytestmark = pytest.mark.django_db


def page_item(id, title, slug, *, parent=0, status="publish", link=None, content=None):
    return post(
        id, title, type="page", slug=slug, parent=parent, status=status,
        link=link or f"https://old.example.org/{slug}/",
        content=content or f"<p>{title}: written for the test.</p>",
    )  # fmt: skip


def menu_item(id, menu, page_id, *, order, parent_entry="0", label="", kind="page"):
    item = post(
        id, label, type="nav_menu_item", slug=f"menu-{id}",
        meta={"_menu_item_type": "post_type", "_menu_item_object": kind,
              "_menu_item_object_id": str(page_id), "_menu_item_menu_item_parent": parent_entry},
    )  # fmt: skip
    term = f'<category domain="nav_menu" nicename="{menu}">{menu.title()}</category>'
    item = item.replace("<wp:menu_order>0<", f"<wp:menu_order>{order}<")
    return item.replace("</item>", f"{term}\n</item>")


SITE = export(
    page_item(
        10,
        "About the Institute",
        "about",
        content="<p>We study <strong>public budgets</strong>.</p>",
    ),
    page_item(11, "People", "people", parent=10, link="https://old.example.org/about/people/"),
    page_item(12, "Board", "board", parent=11, link="https://old.example.org/about/people/board/"),
    page_item(13, "Unfinished Policy", "policy", status="draft"),
    page_item(14, "Search Tips", "search"),
    menu_item(20, "main-navigation", 10, order=2, label="About"),
    menu_item(21, "main-navigation", 14, order=1),
    menu_item(22, "main-navigation", 11, order=3, parent_entry="20"),
    menu_item(23, "site-footer", 10, order=1),
    menu_item(24, "main-navigation", 999, order=4, kind="custom"),
    menu_item(25, "sidebar-extras", 14, order=1),
)


def test_pages_arrive_with_their_hierarchy_and_statuses(import_wxr, client):
    summary = import_wxr(SITE)
    assert "pages: 5 created" in summary
    board = Page.objects.get(title="Board")
    assert board.get_absolute_url() == "/about/people/board/"
    assert client.get("/about/people/board/").status_code == 200
    assert "<strong>public budgets</strong>" in client.get("/about/").content.decode()
    assert Page.objects.get(title="Unfinished Policy").status == Page.Status.DRAFT
    assert client.get("/policy/").status_code == 404


def test_a_page_whose_slug_is_a_site_address_gets_another(import_wxr, client):
    import_wxr(SITE)
    tips = Page.objects.get(title="Search Tips")
    assert tips.slug == "search-page"
    assert client.get("/search-page/").status_code == 200
    # Its old link is the site's search now: the site's own address wins.
    assert client.get("/search/").status_code == 200


def test_old_page_links_and_page_ids_answer_with_the_new_address(import_wxr, client):
    import_wxr(SITE)
    assert client.get("/?page_id=12")["Location"] == "/about/people/board/"
    answer = client.get("/?page_id=14")
    assert answer.status_code == 301 and answer["Location"] == "/search-page/"
    assert client.get("/?page_id=13").status_code == 200  # a draft: the hub, no redirect


def test_menus_become_the_header_and_footer_menus(import_wxr, client):
    summary = import_wxr(SITE)
    header = [page.menu_name for page in Page.objects.in_menu("header")]
    assert header == ["Search Tips", "About"]  # by WordPress's order, with its label
    assert [page.title for page in Page.objects.in_menu("footer")] == ["About the Institute"]
    assert "nested under another entry" in summary
    assert "links a custom, not a page" in summary
    assert "in the menu “Sidebar-Extras”" in summary
    html = client.get("/").content.decode()
    assert 'href="/search-page/"' in html and ">About<" in html


def test_importing_again_creates_nothing(import_wxr):
    import_wxr(SITE)
    again = import_wxr(SITE)
    assert "created" not in again.split("menu items:", 1)[-1].split("\n", 1)[0]
    assert Page.objects.count() == 5
    assert "pages: 5 unchanged" in again


def test_a_dry_run_writes_no_page(import_wxr):
    import_wxr(SITE, "--dry-run")
    assert not Page.objects.exists()


def test_the_exports_carry_the_pages_and_menus_out_and_back(import_wxr, tmp_path):
    import_wxr(SITE)
    wxr = io.StringIO()
    call_command("export_wxr", stdout=wxr)
    text = wxr.getvalue()
    assert text.count("<wp:post_type>page</wp:post_type>") == 5
    assert text.count("<wp:post_type>nav_menu_item</wp:post_type>") == 3
    data = io.StringIO()
    call_command("export_json", stdout=data)
    pages = {page["path"]: page for page in json.loads(data.getvalue())["pages"]}
    assert pages["about/people/board"]["parent"] == "about/people"
    assert pages["policy"]["status"] == "draft"
    assert pages["about"]["in_footer_menu"] is True

    # Our own export read by our importer, into a site without the pages.
    for page in Page.objects.order_by("-path"):  # children before their parents
        page.delete()
    import_wxr(text)
    assert Page.objects.get(title="Board").get_absolute_url() == "/about/people/board/"
    assert [p.title for p in Page.objects.in_menu("footer")] == ["About the Institute"]


def test_a_blog_made_by_an_import_steps_aside_for_a_page_of_the_same_name(import_wxr, client):
    Page.objects.create(title="Old Blog", slug="old-blog", status=Page.Status.PUBLISHED)
    import_wxr(export(post(1, "A first post")))  # the blog is named after the export
    assert client.get("/old-blog/").status_code == 200  # still the page
    assert client.get("/old-blog-blog/").status_code == 200
