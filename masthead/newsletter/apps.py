from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "masthead.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from anymail.signals import tracking

        from masthead import changes, personal_data
        from masthead.newsletter import privacy, sending, webhooks
        from masthead.publishing import sections

        # The subscribe form, where publishing's pages leave a place for it.
        sections.add("post-follow", "newsletter/_subscribe.html")
        sections.add("listing-follow", "newsletter/_subscribe.html")
        sections.add("site-footer", "newsletter/_subscribe_footer.html")

        # Publishing knows nothing of mail: a post going public reaches the newsletter as
        # a committed change, like every other consumer of public content.
        changes.register("mail", sending.changes_committed)
        tracking.connect(webhooks.on_tracking_event, dispatch_uid="newsletter-tracking")
        personal_data.exporters.append(privacy.export_subscriber)
        personal_data.erasers.append(privacy.erase_subscriber)
