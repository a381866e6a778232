from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    verbose_name = "Publishing"

    def ready(self):
        from masthead.publishing import content_version

        content_version.connect_signals()
