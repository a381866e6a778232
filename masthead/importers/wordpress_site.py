"""The institution named after the export: the old site's title and tagline move in too.

A fresh Masthead site calls itself "Masthead" (``Institution.current()``'s placeholder)
until someone names it. An export says what the site was called (the channel's
``<title>``) and its tagline (``<description>``), so an import fills those in, but only
while they are still the defaults: a name or tagline someone chose here is never
overwritten. The summary says which were filled and which were kept.
"""

from masthead.importers import wordpress_html
from masthead.importers.summary import Summary
from masthead.importers.wordpress_mapping import _fit
from masthead.importers.wxr import WxrChannel
from masthead.publishing.models import Institution

# The name a site has before anyone sets it (``Institution.current()``).
DEFAULT_NAME = "Masthead"


def adopt_site_identity(channel: WxrChannel, summary: Summary) -> None:
    name = _fit(wordpress_html.plain_text(channel.title), 200)
    tagline = _fit(wordpress_html.plain_text(channel.description), 240)
    if not name and not tagline:
        return
    institution = Institution.objects.order_by("pk").first()
    creating = institution is None
    if creating:
        institution = Institution(name=DEFAULT_NAME, short_name=DEFAULT_NAME)
    filled = []
    if name and institution.name == DEFAULT_NAME:
        institution.name = name
        filled.append("name")
        if institution.short_name == DEFAULT_NAME:
            institution.short_name = _fit(name, 100)
    if tagline and not institution.tagline.strip():
        institution.tagline = tagline
        filled.append("tagline")
    if not filled:
        summary.count("institution", "unchanged", "its name and tagline were set here already")
        return
    institution.full_clean()
    institution.save()
    what = " and ".join(filled)
    summary.count(
        "institution",
        "created" if creating else "updated",
        f"{what} from the export's site title and description",
    )
    tagline = institution.tagline or "(no tagline)"
    summary.note("institution", f"now “{institution.name}”: {tagline}")
