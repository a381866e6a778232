from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    verbose_name = "Publishing"

    def ready(self):
        from masthead import changes
        from masthead.publishing import fragment_version, media

        # The lowest app with public models listens for all of them (see masthead.changes).
        changes.connect()
        changes.register("fragment version", fragment_version.changes_committed)
        changes.register("public pictures", media.changes_committed)
