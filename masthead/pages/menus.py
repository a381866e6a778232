"""The header and footer menus: the public pages editors placed there, in their order.

Read once per content version (the fragment version every public change moves
on) and kept in the cache, so a page costs no query for its menus.
"""

from masthead import caching
from masthead.pages.models import Page, public_ids
from masthead.publishing.fragment_version import fragment_version

MENU_SECONDS = 24 * 3600


def _menus_from_every_page() -> dict:
    """Both menus and the guidelines address from one query over the (few) pages."""
    fields = ["pk", "parent_id", "status", "title", "menu_label", "path", "role",
              "in_header_menu", "header_position", "in_footer_menu", "footer_position"]  # fmt: skip
    rows = {row["pk"]: row for row in Page.objects.values(*fields)}
    public = public_ids(rows)
    shown = [row for pk, row in rows.items() if pk in public]
    menus = {}
    for menu in ("header", "footer"):
        placed = [row for row in shown if row[f"in_{menu}_menu"]]
        placed.sort(key=lambda row: (row[f"{menu}_position"], row["title"]))
        menus[f"{menu}_pages"] = [
            {"pk": row["pk"], "name": row["menu_label"] or row["title"], "url": f"/{row['path']}/"}
            for row in placed
        ]
    guidelines = [row for row in shown if row["role"] == Page.Role.COMMENT_GUIDELINES]
    menus["guidelines_url"] = f"/{guidelines[0]['path']}/" if guidelines else ""
    return menus


def site_menus(request=None) -> dict:
    key = f"pages:menus:{fragment_version(request)}"
    menus = caching.get(key)
    if menus is None:
        menus = _menus_from_every_page()
        caching.set(key, menus, MENU_SECONDS)
    return menus


def menus(request):
    """Context processor: ``header_pages`` and ``footer_pages`` for the base template."""
    return site_menus(request)
