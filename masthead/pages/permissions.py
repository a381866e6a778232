"""Who may see a standing page that is not public: the one rule every page view asks.

Pages are kept in the admin under Django's model permissions (the Editors group has
them from migration 0002; an administrator has every permission). Whoever may change
pages may read a page before it is public, at its own address, as a preview; anybody
else is answered as if there were no page there.
"""

from masthead.pages.models import Page

CHANGE_PAGE = "pages.change_page"


def may_change_pages(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(CHANGE_PAGE)
    )


def may_read_page(user, page: Page) -> bool:
    """Everyone reads a public page; a draft (or a page under one) only who may change it."""
    return page.is_public or may_change_pages(user)
