from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "masthead.importers"
    verbose_name = "Imports"
