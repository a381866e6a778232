"""Every address that reads or writes a standing page, tried by every role, GET and a
hostile POST. The admin's addresses come from its own URL list (a view added later is
tried without anyone remembering to add it here). A draft's words appear to no one
but editors (in the admin, and previewed at its own address, never stored); nobody but an
editor changes a page anywhere."""

import pytest
from django.utils import timezone

from masthead.discussion.roles import ensure_moderators_group
from masthead.pages.models import OldAddress, Page
from tests.roles_table import admin_url_templates, log_in, person

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "writer", "moderator", "editor"]


def admin_addresses():
    """URL templates ({0}, {1} for their arguments) of every admin view of pages."""
    return [
        template for _model, template in admin_url_templates({Page, OldAddress, Page.history.model})
    ]


ADMIN = admin_addresses()


def test_the_table_covers_the_page_admin_and_its_history():
    base = "/admin/pages/page/"
    for expected in ["", "add/", "{0}/change/", "{0}/history/", "{0}/history/{1}/", "{0}/delete/"]:
        assert base + expected in ADMIN


@pytest.fixture
def cast(institution):
    about = Page.objects.create(title="About us", slug="about", status=Page.Status.PUBLISHED,
                                body="PUBLIC-about-body")  # fmt: skip
    child = Page.objects.create(title="Staff", slug="staff", parent=about,
                                status=Page.Status.PUBLISHED, body="PUBLIC-staff-body")  # fmt: skip
    # Public once (so it has an earlier version, with its words), a draft now.
    draft = Page.objects.create(title="SECRET-title", slug="plans", body="SECRET-body",
                                status=Page.Status.PUBLISHED)  # fmt: skip
    draft_child = Page.objects.create(
        title="SECRET-child", slug="inner", parent=draft, status=Page.Status.PUBLISHED,
        body="SECRET-child-body",
    )  # fmt: skip
    for page in (about, child, draft, draft_child):
        # A substantive update: each page keeps version 1, as readers saw it before.
        page.body += " and a second version"
        page.updated_at = timezone.now()
        page.correction_note = "Corrected."
        page.save()
        OldAddress.objects.create(page=page, path=f"/old-{page.pk}/", wordpress_id=page.pk)
    draft.status = Page.Status.DRAFT
    draft.save()
    return {
        "writer": person("wren", "Writers"),
        "moderator": person("mo", ensure_moderators_group()),
        "editor": person("ines", "Editors"),
        "pages": {"about": about, "child": child, "draft": draft, "draft_child": draft_child},
    }


def snapshot():
    pages = list(Page.objects.order_by("pk").values_list(
        "pk", "title", "slug", "parent_id", "status", "body", "role", "in_header_menu",
        "in_footer_menu",
    ))  # fmt: skip
    return pages, OldAddress.objects.count(), Page.history.count()


def hostile_form(page):
    return {
        "title": "DEFACED", "slug": page.slug, "status": "published", "body": "DEFACED",
        "role": "comment_guidelines", "in_header_menu": "on", "header_position": "0",
        "footer_position": "0", "old_addresses-TOTAL_FORMS": "0",
        "old_addresses-INITIAL_FORMS": "0", "action": "delete_selected",
        "_selected_action": page.pk, "post": "yes",
    }  # fmt: skip


def own_addresses(page):
    """The page's own address and its versions': where those who may change it preview it."""
    url = page.get_absolute_url()
    return [url, f"{url}versions/1/", f"{url}versions/2/", f"{url}versions/0/",
            f"{url}versions/{'9' * 9}/"]  # fmt: skip


def public_addresses(page):
    return [*own_addresses(page), f"/api/v1/pages/{page.path}", "/api/v1/pages",
            f"/old-{page.pk}/", f"/?page_id={page.pk}", "/sitemap.xml", "/sitemap-pages.xml",
            "/search/?q=body", "/"]  # fmt: skip


def addresses(page):
    history_id = page.history.earliest("history_date").history_id
    return public_addresses(page) + [t.format(page.pk, history_id) for t in ADMIN]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["about", "child", "draft", "draft_child"])
def test_no_address_shows_a_draft_or_lets_anyone_but_editors_change_a_page(
    client, cast, role, target
):
    log_in(client, cast, role)
    page = cast["pages"][target]
    before = snapshot()
    for url in addresses(page):
        answer = client.get(url)
        text = answer.content.decode(errors="replace")
        is_admin = url.startswith("/admin/")
        previewed = url in own_addresses(page)
        if not (role == "editor" and (is_admin or previewed)):
            assert "SECRET" not in text, f"{role} read a draft at GET {url}"
        if previewed and "SECRET" in text:
            # An editor's preview of a page that is not public: for this editor only.
            assert answer["Cache-Control"] == "private, no-store", url
            assert "Preview — not public" in text and "noindex" in answer["X-Robots-Tag"]
        if not is_admin:
            continue
        written = client.post(url, hostile_form(page))
        assert written.status_code in {200, 302, 400, 403, 404, 405}, (url, written.status_code)
        if role != "editor":
            assert "SECRET" not in written.content.decode(errors="replace"), url
            assert snapshot() == before, f"{role} changed {target} with POST {url}"
    # Public addresses are for reading only, whoever asks.
    for url in [*own_addresses(page), f"/api/v1/pages/{page.path}"]:
        assert client.post(url, hostile_form(page)).status_code in {403, 404, 405}
    if role != "editor":
        assert snapshot() == before


def test_an_editor_previews_a_draft_at_its_address_and_nobody_else_sees_it(client, cast):
    client.force_login(cast["editor"])
    draft = cast["pages"]["draft"]
    assert "SECRET-body" in client.get(f"/admin/pages/page/{draft.pk}/change/").content.decode()
    for url in ["/plans/", "/plans/inner/", "/plans/versions/1/"]:
        preview = client.get(url)
        assert preview.status_code == 200, url
        assert "Preview — not public" in preview.content.decode()
        assert preview["Cache-Control"] == "private, no-store"
        assert "X-Cache" not in client.get(url)  # the page cache never answers with it
    for role in ["writer", "moderator"]:
        client.force_login(cast[role])
        for url in ["/plans/", "/plans/inner/", "/plans/versions/1/"]:
            assert client.get(url).status_code == 404, (role, url)
    client.logout()
    for url in ["/plans/", "/plans/inner/", "/plans/versions/1/"]:
        for _ in range(2):  # the second time from the page cache, if it had kept anything
            answer = client.get(url)
            assert answer.status_code == 404, url
            assert "SECRET" not in answer.content.decode()


def test_an_editor_restores_an_earlier_version_from_the_history(client, cast):
    client.force_login(cast["editor"])
    about = cast["pages"]["about"]
    first = about.history.earliest("history_date")
    url = f"/admin/pages/page/{about.pk}/history/{first.history_id}/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and value is not False}  # fmt: skip
    data.update({"old_addresses-TOTAL_FORMS": "0", "old_addresses-INITIAL_FORMS": "0"})
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    about.refresh_from_db()
    assert about.body == "PUBLIC-about-body"
    assert "PUBLIC-about-body" in client.get("/about/").content.decode()
    assert about.history.count() == 3  # the restore is a version of its own


def test_an_editor_publishes_a_page_from_the_admin(client, cast):
    client.force_login(cast["editor"])
    draft = cast["pages"]["draft"]
    form = hostile_form(draft) | {"title": "Plans", "role": ""}
    for name in ("action", "_selected_action", "post"):
        form.pop(name)
    answer = client.post(f"/admin/pages/page/{draft.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    client.logout()
    assert "DEFACED" in client.get("/plans/").content.decode()
    assert client.get("/plans/inner/").status_code == 200
