from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "masthead.api"
    verbose_name = "Content API"
