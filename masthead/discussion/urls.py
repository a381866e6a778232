from django.urls import path, register_converter

from masthead.discussion import moderation, views


class StatusTokenConverter:
    """A commenter's private token: what ``secrets.token_urlsafe`` makes, and nothing else.

    Anything else (a null byte, a 5,000-character run) never reaches the database,
    where some backends refuse such text with an error instead of "no match".
    """

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(StatusTokenConverter, "status_token")

app_name = "discussion"

urlpatterns = [
    path("comments/<int:post_id>/", views.submit, name="submit"),
    path("comments/<int:post_id>/reply/<int:comment_id>/", views.reply, name="reply"),
    path("comments/status/<status_token:token>/", views.status, name="status"),
    path("moderation/", moderation.queue, name="queue"),
    path("moderation/<int:comment_id>/decide/", moderation.decide, name="decide"),
    path(
        "moderation/<int:comment_id>/reject-commenter/",
        moderation.reject_commenter,
        name="reject_commenter",
    ),
    path("moderation/bulk/", moderation.bulk_decide, name="bulk"),
    path("moderation/log/", moderation.log, name="log"),
    path("moderation/rules/", moderation.rules, name="rules"),
    path("moderation/commenter/", moderation.commenter, name="commenter"),
]
