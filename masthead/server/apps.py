from django.apps import AppConfig


class ServerConfig(AppConfig):
    """Project-level commands and parts: the production server and the task worker beside it."""

    name = "masthead.server"
    label = "server"
    verbose_name = "Server"
