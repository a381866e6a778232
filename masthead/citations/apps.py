from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "masthead.citations"
    verbose_name = "Citations"

    def ready(self):
        from masthead.citations import signals  # noqa: F401 - connects the receivers
