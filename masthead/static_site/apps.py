from django.apps import AppConfig


class StaticSiteConfig(AppConfig):
    """Static publishing: the public site written as files for nginx, kept current."""

    name = "masthead.static_site"
    label = "static_site"
    verbose_name = "Static publishing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead import changes
        from masthead.static_site import consumer

        changes.register("static output", consumer.changes_committed)
