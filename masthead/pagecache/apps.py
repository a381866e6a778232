from django.apps import AppConfig
from django.core.signals import setting_changed


class PageCacheConfig(AppConfig):
    """The anonymous page cache: whole answers for readers without a session, kept current."""

    name = "masthead.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from masthead import changes
        from masthead.pagecache import consumer

        changes.register("page version", consumer.changes_committed)
        setting_changed.connect(start_afresh, dispatch_uid="masthead.pagecache.settings")


def start_afresh(setting, **kwargs):
    """Tests that switch the cache or the data folder get a store and a version of their own."""
    if setting in {"CACHES", "DATA_DIR", "MASTHEAD_PAGE_CACHE", "MASTHEAD_PAGE_CACHE_SECONDS",
                   "MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS"}:  # fmt: skip
        from masthead.pagecache import reset

        reset()
