from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    verbose_name = "Publishing"

    def ready(self):
        from masthead.publishing.related import connect_signals

        connect_signals()
