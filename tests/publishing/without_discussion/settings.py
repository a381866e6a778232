"""The site's settings with the discussion left out, and the apps that build on it."""

from masthead.settings import *  # noqa: F403

# The importers, static publishing, the page cache and the newsletter build on the
# discussion (comments are imported, written out and expire stored pages; the subscribe
# form shares its checks); they go with it.
LEFT_OUT = {
    "masthead.discussion", "masthead.importers", "masthead.static_site", "masthead.pagecache",
    "masthead.newsletter", "anymail",
}  # fmt: skip
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in LEFT_OUT]  # noqa: F405
LEFT_OUT_MIDDLEWARE = ("masthead.importers", "masthead.pagecache")
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith(LEFT_OUT_MIDDLEWARE)]  # noqa: F405
ROOT_URLCONF = "tests.publishing.without_discussion.urls"
