from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    verbose_name = "Publishing"
