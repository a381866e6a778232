from django.contrib import admin, messages

from masthead.discussion.models import Comment, ModerationDecision, ModerationRules, Thread
from masthead.discussion.moderation import MODERATE_PERMISSION


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """A look-up view; decisions are taken in the queue at /moderation/.

    The actions here take comments down (reject, spam) and need the queue's own
    permission. Approving is left to the queue: it shows the text and ties the
    decision to the revision shown, which a list of names cannot.
    """

    list_display = ["author_name", "post", "status", "created_at", "flag_count"]
    list_filter = ["status", "created_at"]
    search_fields = ["author_name", "email", "body"]
    readonly_fields = [
        "post", "parent", "status", "author_name", "email", "body", "body_html", "ip_hash",
        "flags", "created_at", "edited_at", "decided_at", "rejection_reason", "notified_at",
        "erased_at", "notify_on_publish",
    ]  # fmt: skip
    exclude = ["status_token", "submission_key", "body_fingerprint"]
    actions = ["reject_selected", "mark_selected_spam"]

    @admin.display(description="flags")
    def flag_count(self, comment):
        return len(comment.flags)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is deleted: erase through /moderation/commenter/

    def has_moderate_permission(self, request):
        """The permission the moderation queue asks for: the admin's actions need it too."""
        return request.user.has_perm(MODERATE_PERMISSION)

    def _apply(self, request, queryset, method, done):
        changed = sum(getattr(comment, method)(by=request.user) for comment in queryset)
        self.message_user(request, f"{changed} comments {done}.", messages.SUCCESS)

    @admin.action(description="Reject selected comments", permissions=["moderate"])
    def reject_selected(self, request, queryset):
        self._apply(request, queryset, "reject", "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_selected_spam(self, request, queryset):
        self._apply(request, queryset, "mark_spam", "marked as spam")


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "comment", "reason"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationRules)
class ModerationRulesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "max_links", "updated_at"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["post", "approved_count", "changed_at"]
    readonly_fields = ["post", "approved_count", "approved_root_count", "version", "changed_at"]

    def has_add_permission(self, request):
        return False
