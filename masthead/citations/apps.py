from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "masthead.citations"
    verbose_name = "Citations"

    def ready(self):
        from masthead import changes
        from masthead.citations import signals

        changes.register("references", signals.changes_committed)
