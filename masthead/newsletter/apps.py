from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "masthead.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        # Publishing knows nothing of mail: the newsletter listens to its saves.
        from anymail.signals import tracking
        from django.db.models.signals import post_save

        from masthead import personal_data
        from masthead.newsletter import privacy, sending, webhooks
        from masthead.publishing import sections
        from masthead.publishing.models import Post

        # The subscribe form, where publishing's pages leave a place for it.
        sections.add("post-follow", "newsletter/_subscribe.html")
        sections.add("listing-follow", "newsletter/_subscribe.html")
        sections.add("site-footer", "newsletter/_subscribe_footer.html")

        post_save.connect(sending.post_saved, sender=Post, dispatch_uid="newsletter-post-saved")
        tracking.connect(webhooks.on_tracking_event, dispatch_uid="newsletter-tracking")
        personal_data.exporters.append(privacy.export_subscriber)
        personal_data.erasers.append(privacy.erase_subscriber)
