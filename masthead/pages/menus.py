"""The header and footer menus: the public pages editors placed there, in their order.

Read once per content version (the fragment version every public change moves
on) and kept in the cache, so a page costs no query for its menus.
"""

from masthead import caching
from masthead.pages.models import Page
from masthead.publishing.fragment_version import fragment_version

MENU_SECONDS = 24 * 3600


def menu_entries(menu: str) -> list[dict]:
    return [
        {"pk": page.pk, "name": page.menu_name, "url": page.get_absolute_url()}
        for page in Page.objects.in_menu(menu).only("title", "menu_label", "path")
    ]


def guidelines_url() -> str:
    """The address of the public comment guidelines page, or "" when there is none."""
    page = Page.objects.public().filter(role=Page.Role.COMMENT_GUIDELINES).only("path").first()
    return page.get_absolute_url() if page else ""


def site_menus(request=None) -> dict:
    key = f"pages:menus:{fragment_version(request)}"
    menus = caching.get(key)
    if menus is None:
        menus = {
            "header_pages": menu_entries("header"),
            "footer_pages": menu_entries("footer"),
            "guidelines_url": guidelines_url(),
        }
        caching.set(key, menus, MENU_SECONDS)
    return menus


def menus(request):
    """Context processor: ``header_pages`` and ``footer_pages`` for the base template."""
    return site_menus(request)
