"""Standing pages: addresses that follow their parents, names that cannot collide with a
blog's, drafts nobody outside the editors sees, menus, corrections and the guidelines link."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from masthead.pages.models import OldAddress, Page
from masthead.publishing.models import Blog

pytestmark = pytest.mark.django_db


def page(title, slug, *, parent=None, status=Page.Status.PUBLISHED, **fields):
    made = Page(title=title, slug=slug, parent=parent, status=status,
                body=fields.pop("body", f"What {title} says."), **fields)  # fmt: skip
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def about(institution):
    return page("About us", "about", body="We are **an institute** of public affairs.")


@pytest.fixture
def staff(about):
    return page("Our staff", "staff", parent=about, body="Ada leads the energy team.")


def test_a_child_page_lives_under_its_parents_address(client, about, staff):
    assert staff.get_absolute_url() == "/about/staff/"
    answer = client.get("/about/staff/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<h1" in html and "Our staff" in html and "Ada leads the energy team." in html
    # The trail leads back to the parent, and the parent lists its child.
    assert 'href="/about/"' in html
    assert 'href="/about/staff/"' in client.get("/about/").content.decode()


def test_the_body_is_markdown_through_the_posts_renderer_and_sanitised(client, about):
    about.body = "Read **this**.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"
    about.save()
    html = client.get("/about/").content.decode()
    assert "<strong>this</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html


def test_a_draft_page_and_the_children_of_a_draft_are_not_public(client, about, staff):
    about.status = Page.Status.DRAFT
    about.save()
    assert client.get("/about/").status_code == 404
    # Staff is published, but its address passes through a draft.
    assert client.get("/about/staff/").status_code == 404
    assert set(Page.objects.public()) == set()


def test_renaming_a_parent_moves_its_children_and_keeps_the_old_addresses(client, about, staff):
    about.slug = "who-we-are"
    about.full_clean()
    about.save()
    staff.refresh_from_db()
    assert staff.get_absolute_url() == "/who-we-are/staff/"
    assert client.get("/who-we-are/staff/").status_code == 200
    moved = client.get("/about/staff/")
    assert moved.status_code == 301 and moved["Location"] == "/who-we-are/staff/"
    assert client.get("/about/")["Location"] == "/who-we-are/"


def test_an_address_without_its_slash_is_sent_to_the_page(client, about, staff):
    assert client.get("/about/staff")["Location"] == "/about/staff/"


@pytest.mark.parametrize("slug", ["search", "admin", "desk", "newsletter", "api", "archive"])
def test_a_top_level_page_may_not_take_a_reserved_name(institution, slug):
    with pytest.raises(ValidationError) as refusal:
        page("Clash", slug)
    assert "reserved" in refusal.value.message_dict["slug"][0]


def test_a_top_level_page_may_not_take_a_blogs_name_but_a_child_may(blog, about):
    with pytest.raises(ValidationError) as refusal:
        page("Energy", "energy")
    message = refusal.value.message_dict["slug"][0]
    assert "blog “Energy Desk”" in message and "parent page" in message
    child = page("Energy at the institute", "energy", parent=about)
    assert child.get_absolute_url() == "/about/energy/"


def test_a_blog_may_not_take_a_top_level_pages_name(about):
    blog = Blog(name="About", slug="about", tagline="Things about things")
    with pytest.raises(ValidationError) as refusal:
        blog.full_clean()
    assert "page “About us”" in refusal.value.message_dict["slug"][0]


def test_two_pages_may_not_share_an_address(about):
    with pytest.raises(ValidationError) as refusal:
        page("About again", "about")
    assert "/about/" in refusal.value.message_dict["slug"][0]


def test_a_page_cannot_sit_under_itself_or_its_own_child(about, staff):
    about.parent = staff
    with pytest.raises(ValidationError) as refusal:
        about.full_clean()
    assert "under itself" in refusal.value.message_dict["parent"][0]


def test_blogs_and_posts_answer_before_pages_and_pages_after_them(client, published_post, about):
    """Resolution order: site routes, then blogs and posts, then pages (see pages.views)."""
    assert client.get("/energy/").status_code == 200
    assert client.get(published_post.get_absolute_url()).status_code == 200
    assert client.get("/about/").status_code == 200
    assert client.get("/search/?q=grid").status_code == 200
    assert client.get("/about/nothing-here/").status_code == 404
    assert client.get("/nothing/at/all/here/").status_code == 404


def test_a_page_is_only_for_reading(client, about):
    assert client.post("/about/", {"title": "DEFACED"}).status_code in {403, 405}
    assert client.delete("/about/").status_code == 405
    about.refresh_from_db()
    assert about.title == "About us"


def test_a_correction_shows_with_the_update_time(client, about):
    about.updated_at = timezone.now()
    about.correction_note = "We gave the wrong founding year; it is 1998."
    about.save()
    html = client.get("/about/").content.decode()
    assert "Updated" in html and "it is 1998" in html


def test_a_correction_note_needs_the_time_of_the_update(about):
    about.correction_note = "Fixed a name."
    with pytest.raises(ValidationError) as refusal:
        about.full_clean()
    assert "updated_at" in refusal.value.message_dict


def test_every_saved_version_is_kept_and_an_old_one_can_come_back(about):
    about.body = "A second version."
    about.save()
    assert about.history.count() == 2
    first = about.history.earliest("history_date")
    first.instance.save()
    about.refresh_from_db()
    assert about.body == "We are **an institute** of public affairs."
    assert "an institute" in about.body_html


def test_menus_list_the_public_pages_editors_placed_there_in_their_order(client, about, staff):
    page("Contact", "contact", in_header_menu=True, in_footer_menu=True, header_position=2)
    about.in_header_menu, about.header_position, about.menu_label = True, 1, "About"
    about.save()
    staff.in_footer_menu = True
    staff.save()
    page("Privacy", "privacy", in_footer_menu=True, status=Page.Status.DRAFT)
    html = client.get("/").content.decode()
    header = html.split('aria-label="About us"', 1)[1].split("</nav>", 1)[0]
    footer = html.split('aria-label="Site information"', 1)[1].split("</nav>", 1)[0]
    assert header.index(">About<") < header.index(">Contact<")
    assert "/about/staff/" not in header
    assert "/about/staff/" in footer and "/contact/" in footer
    assert "Privacy" not in html  # a draft is in no menu


def test_a_menu_follows_an_edit_at_once(client, about):
    about.in_header_menu = True
    about.save()
    assert ">About us<" in client.get("/").content.decode()
    about.title = "Who we are"
    about.save()
    html = client.get("/").content.decode()
    assert ">Who we are<" in html and ">About us<" not in html


def test_the_page_cache_serves_a_page_until_a_page_change_is_told(client, about, published_post):
    client.get("/about/")
    stored = client.get("/about/")
    assert stored["X-Cache"] == "hit"
    post_page = published_post.get_absolute_url()
    client.get(post_page)
    # A write no one announced: the stored copy, unaware of it, is still served.
    Page.objects.filter(pk=about.pk).update(body_html="<p>Written behind the models.</p>")
    assert "Written behind" not in client.get("/about/").content.decode()
    about.body = "A **rewritten** introduction."
    about.in_header_menu = True
    about.save()  # told through masthead.changes: every stored page goes
    assert "rewritten" in client.get("/about/").content.decode()
    assert 'href="/about/"' in client.get(post_page).content.decode()  # its new menu
    about.status = Page.Status.DRAFT
    about.save()
    assert client.get("/about/").status_code == 404


def test_the_comment_form_links_to_the_guidelines_page_when_there_is_one(client, published_post):
    before = client.get(published_post.get_absolute_url()).content.decode()
    assert "Be civil. Stay on topic." in before  # today's target: the institution's text
    guidelines = page("Comment guidelines", "comment-guidelines",
                      role=Page.Role.COMMENT_GUIDELINES)  # fmt: skip
    html = client.get(published_post.get_absolute_url()).content.decode()
    form = html.split('class="comment-form"', 1)[1]
    assert f'href="{guidelines.get_absolute_url()}"' in form
    guidelines.status = Page.Status.DRAFT
    guidelines.save()
    html = client.get(published_post.get_absolute_url()).content.decode()
    assert 'href="/comment-guidelines/"' not in html and "Be civil. Stay on topic." in html


def test_only_one_page_plays_a_role(institution):
    page("Comment guidelines", "comment-guidelines", role=Page.Role.COMMENT_GUIDELINES)
    with pytest.raises(ValidationError):
        page("House rules", "house-rules", role=Page.Role.COMMENT_GUIDELINES)


def test_an_old_address_redirects_only_to_a_public_page(client, about):
    OldAddress.objects.create(page=about, path="/about-the-institute/", wordpress_id=2)
    assert client.get("/about-the-institute/")["Location"] == "/about/"
    assert client.get("/?page_id=2")["Location"] == "/about/"
    about.status = Page.Status.DRAFT
    about.save()
    assert client.get("/about-the-institute/").status_code == 404
    assert client.get("/?page_id=2").status_code == 200  # the hub, not the draft


def test_published_at_is_kept_from_the_first_publication(about):
    first = about.published_at
    assert first is not None
    about.body = "Changed."
    about.save()
    assert about.published_at == first
    assert timezone.now() - first < datetime.timedelta(minutes=5)


def test_the_demo_seeds_an_about_page_and_the_comment_guidelines(institution, client):
    from masthead.server.sample.loader import SAMPLE_DIR, load_sample_pages

    assert load_sample_pages(SAMPLE_DIR / "pages") == 2
    assert load_sample_pages(SAMPLE_DIR / "pages") == 0  # idempotent
    about = client.get("/about/").content.decode()
    assert "Harbour Institute" in about and 'href="/about/comment-guidelines/"' in about
    guidelines = Page.objects.get(role=Page.Role.COMMENT_GUIDELINES)
    assert guidelines.get_absolute_url() == "/about/comment-guidelines/"
    assert client.get("/about/comment-guidelines/").status_code == 200
