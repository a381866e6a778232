from django.urls import path

from masthead.discussion import moderation, views

app_name = "discussion"

urlpatterns = [
    path("comments/<int:post_id>/", views.submit, name="submit"),
    path("comments/<int:post_id>/reply/<int:comment_id>/", views.reply, name="reply"),
    path("comments/status/<str:token>/", views.status, name="status"),
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
