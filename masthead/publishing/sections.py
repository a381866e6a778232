"""Places on publishing's pages where the installed apps contribute a section.

Publishing lays out a post page and knows nothing of the apps above it: it
marks places (``{% sections "post-actions" %}``) and each app that has
something to show there adds a template for it in its ``AppConfig.ready``
(``add("post-actions", "citations/sections/cite_link.html")``). A template is
rendered with the page's context, in the order the apps are installed. An app
left out of ``INSTALLED_APPS`` adds nothing, and the page renders without it.

The places, top to bottom of a post page:

- ``post-meta``: inside ``<head>``, after the description and canonical link;
- ``post-actions``: beside Print, under the byline;
- ``post-print-footer``: the printed page's footer, above the address;
- ``post-after-article``: after the article and related posts (cached with them);
- ``post-follow``: after the article, outside its cache (a way to follow the blog);
- ``post-discussion``: last, outside the cached article (it changes on its own);

and on an earlier version's page:

- ``version-after-body``: after the version's text;

on a blog's, an author's and a topic's list of posts:

- ``listing-follow``: after the list and its pages;

and on every page, in the site's footer (``base.html``):

- ``site-footer``: between the institution's line and the archive and feeds.
"""

PLACES = (
    "post-meta",
    "post-actions",
    "post-print-footer",
    "post-after-article",
    "post-follow",
    "post-discussion",
    "version-after-body",
    "listing-follow",
    "site-footer",
)

_templates: dict[str, list[str]] = {place: [] for place in PLACES}


def add(place: str, template_name: str) -> None:
    """Show ``template_name`` at ``place`` on every page that has it (once per name)."""
    if place not in _templates:
        raise ValueError(f"No place {place!r} on publishing's pages; the places: {PLACES}")
    if template_name not in _templates[place]:
        _templates[place].append(template_name)


def templates_at(place: str) -> list[str]:
    return list(_templates[place])
