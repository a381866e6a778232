from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "masthead.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self):
        # Mail hangs off the models' announcements, so the models never import it.
        from masthead.discussion import notifications, signals
        from masthead.publishing import sections

        sections.add("post-discussion", "discussion/sections/discussion.html")

        signals.comment_approved.connect(
            notifications.on_comment_approved, dispatch_uid="discussion-approved-notice"
        )
        signals.comment_submitted.connect(
            notifications.on_comment_submitted, dispatch_uid="discussion-submitted-digest"
        )
