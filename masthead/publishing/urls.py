from django.urls import path
from django.views.decorators.http import require_safe

from masthead.publishing import feeds, views

app_name = "publishing"

# Every feed comes as Atom at `feed/`, RSS 2.0 at `feed/rss/` and JSON Feed at `feed/json/`.
FORMATS = (("", ""), ("rss/", "_rss"), ("json/", "_json"))


def feed_paths(prefix, feed_class, name):
    # Feeds answer any method by themselves; like every page, they are only for reading.
    views_by_format = zip(FORMATS, feeds.in_every_format(feed_class), strict=True)
    return [
        path(f"{prefix}feed/{suffix}", require_safe(view), name=f"{name}{name_suffix}")
        for (suffix, name_suffix), view in views_by_format
    ]


urlpatterns = [
    path("", views.hub, name="hub"),
    *feed_paths("", feeds.SiteFeed, "feed"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("authors/<slug:author_slug>/", views.author_detail, name="author"),
    *feed_paths("authors/<slug:author_slug>/", feeds.AuthorFeed, "author_feed"),
    path("topics/<slug:topic_slug>/", views.topic_detail, name="topic"),
    *feed_paths("topics/<slug:topic_slug>/", feeds.TopicFeed, "topic_feed"),
    path("<slug:blog_slug>/", views.blog_index, name="blog"),
    *feed_paths("<slug:blog_slug>/", feeds.BlogFeed, "blog_feed"),
    path("<slug:blog_slug>/<slug:post_slug>/", views.post_detail, name="post"),
    path(
        "<slug:blog_slug>/<slug:post_slug>/versions/<int:number>/",
        views.post_version,
        name="post_version",
    ),
]
