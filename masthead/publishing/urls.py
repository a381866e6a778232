from django.urls import path
from django.views.decorators.http import require_safe

from masthead.publishing import feeds, views

app_name = "publishing"

# Feeds answer any method by themselves; like every page, they are only for reading.
urlpatterns = [
    path("", views.hub, name="hub"),
    path("feed/", require_safe(feeds.SiteFeed()), name="feed"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("authors/<slug:author_slug>/", views.author_detail, name="author"),
    path("authors/<slug:author_slug>/feed/", require_safe(feeds.AuthorFeed()), name="author_feed"),
    path("topics/<slug:topic_slug>/", views.topic_detail, name="topic"),
    path("<slug:blog_slug>/", views.blog_index, name="blog"),
    path("<slug:blog_slug>/feed/", require_safe(feeds.BlogFeed()), name="blog_feed"),
    path("<slug:blog_slug>/<slug:post_slug>/", views.post_detail, name="post"),
    path(
        "<slug:blog_slug>/<slug:post_slug>/versions/<int:number>/",
        views.post_version,
        name="post_version",
    ),
]
