from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "masthead.search"
    verbose_name = "Search"

    def ready(self):
        from masthead import changes
        from masthead.search import consumer, indexing

        changes.register("search", consumer.changes_committed)
        post_migrate.connect(
            indexing.fill_if_empty, sender=self, dispatch_uid="masthead.search.fill_if_empty"
        )
