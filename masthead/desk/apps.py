from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "masthead.desk"
    verbose_name = "Desk"
