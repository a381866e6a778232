from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from masthead.importers.admin_views import import_word
from masthead.newsletter.webhooks import provider_urlpatterns
from masthead.publishing import views as publishing_views
from masthead.publishing.media import serve_media

urlpatterns = [
    path(
        "admin/publishing/post/import-word/",
        admin.site.admin_view(import_word),
        name="import_word",
    ),
    path("admin/", admin.site.urls),
    path("sitemap.xml", publishing_views.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", publishing_views.sitemap_section, name="sitemap_section"),
    path("robots.txt", publishing_views.robots_txt, name="robots_txt"),
    path("favicon.ico", publishing_views.favicon, name="favicon"),
    path("preview/<int:post_id>/", publishing_views.post_preview, name="post_preview"),
    path("preview/link/<str:token>/", publishing_views.preview_link, name="preview_link"),
]

# Always routed, also behind nginx: pictures of posts not yet public are only ever served
# here, to who may read the post (MASTHEAD_SERVE_MEDIA decides only about public files).
prefix = settings.MEDIA_URL.lstrip("/")
urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", serve_media))

urlpatterns.append(path("desk/", include("masthead.desk.urls", namespace="desk")))
urlpatterns.append(path("api/v1/", include("masthead.api.urls", namespace="api")))
urlpatterns.append(path("", include("masthead.citations.urls")))
urlpatterns.append(path("", include("masthead.discussion.urls")))
urlpatterns.append(path("", include("masthead.search.urls")))
urlpatterns.append(path("", include("masthead.newsletter.urls")))
# Providers' bounce and complaint events (django-anymail checks their signatures); a
# provider without its settings answers 404, not 500.
urlpatterns.append(path("newsletter/events/", include((provider_urlpatterns(), "anymail"))))

# Last: the blog catch-all `/<blog>/` must not shadow the site's own pages.
urlpatterns.append(path("", include("masthead.publishing.urls")))
# After the blogs: standing pages (one- and two-part addresses reach them through
# masthead.pages.views.StandingPagesMiddleware when no blog or post answered).
urlpatterns.append(path("", include("masthead.pages.urls")))
