from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Standing pages: About, Staff, Contact, Comment guidelines ... and the site's menus."""

    name = "masthead.pages"
    label = "pages"
    verbose_name = "Standing pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from masthead.pages import models
        from masthead.pages import sitemaps as page_sitemaps
        from masthead.publishing import sitemaps
        from masthead.publishing.models import posts

        # A blog may not take the top-level name of a page (nor a page a blog's: Page.clean).
        posts.claim_top_level_names(models.top_level_claim)
        sitemaps.add_section("pages", page_sitemaps.PageSitemap)
