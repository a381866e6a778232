"""The newsletter for the people who run it: who subscribes to what, each post's mail.

Editors hold a post back from mail here (before it goes public) and send themselves
a test of a post's mail; the subscriber list shows counts per blog, author and topic.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q

from masthead.newsletter.mail import PostMail
from masthead.newsletter.models import (
    BlogMailSettings,
    Delivery,
    Mailing,
    Subscriber,
    Suppression,
)
from masthead.publishing.models import Author, Blog, Topic

RECEIVING = Q(newsletter_subscribers__confirmed_at__isnull=False,
              newsletter_subscribers__left_at__isnull=True,
              newsletter_subscribers__suppressed_at__isnull=True)  # fmt: skip


def follower_counts() -> dict:
    """Confirmed, mailed subscribers per blog, author and topic (the ones with any)."""

    def counted(model, label):
        rows = model.objects.annotate(readers=Count("newsletter_subscribers", filter=RECEIVING))
        return [(getattr(row, label), row.readers) for row in rows if row.readers]

    receiving = Subscriber.objects.receiving()
    return {
        "total": receiving.count(),
        "everything": receiving.filter(everything=True).count(),
        "weekly": receiving.filter(cadence=Subscriber.Cadence.WEEKLY).count(),
        "blogs": counted(Blog, "name"),
        "authors": counted(Author, "display_name"),
        "topics": counted(Topic, "name"),
    }


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    change_list_template = "admin/newsletter/subscriber/change_list.html"
    list_display = ["email", "cadence", "everything", "confirmed_at", "left_at", "suppressed_at",
                    "consent_source"]  # fmt: skip
    list_filter = ["cadence", "everything", ("confirmed_at", admin.EmptyFieldListFilter),
                   ("left_at", admin.EmptyFieldListFilter), "blogs"]  # fmt: skip
    search_fields = ["email", "consent_source"]
    filter_horizontal = ["blogs", "authors", "topics"]
    readonly_fields = ["created_at", "confirmed_at", "left_at", "suppressed_at", "consent_source"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "follower_counts": follower_counts()}
        return super().changelist_view(request, extra_context)


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email_hash", "reason", "created_at", "detail"]
    list_filter = ["reason"]
    readonly_fields = ["email_hash", "reason", "detail", "created_at"]

    def has_add_permission(self, request):
        return False  # suppress an address through its subscriber, or by an import's report


@admin.register(BlogMailSettings)
class BlogMailSettingsAdmin(admin.ModelAdmin):
    list_display = ["blog", "content"]


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "held_back", "recipients", "sent", "failed",
                    "started_at", "finished_at"]  # fmt: skip
    list_filter = ["kind", "state", "held_back"]
    autocomplete_fields = ["post"]
    fields = ["post", "held_back", "kind", "state", "scheduled_for", "started_at", "finished_at",
              "recipients"]  # fmt: skip
    readonly_fields = ["kind", "state", "scheduled_for", "started_at", "finished_at", "recipients"]
    actions = ["send_test_to_me"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("post")
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                failed_count=Count(
                    "deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)
                ),
            )
        )

    @admin.display(description="sent", ordering="sent_count")
    def sent(self, mailing):
        return mailing.sent_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, mailing):
        return mailing.failed_count

    @admin.action(description="Send a test of this mail to me")
    def send_test_to_me(self, request, queryset):
        if not request.user.email:
            self.message_user(request, "Your account has no email address.", messages.ERROR)
            return
        me = Subscriber(pk=0, email=request.user.email)  # never saved: its links do nothing
        for mailing in queryset.filter(kind=Mailing.Kind.POST):
            message = PostMail(mailing.post).message_for(me, "this is a test sent to an editor")
            message.subject = f"[Test] {message.subject}"
            message.send()
            self.message_user(request, f"A test of “{mailing.post}” went to {me.email}.")
