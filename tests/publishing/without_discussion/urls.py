"""The site's addresses without the discussion's (and without the importers' admin view)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("masthead.citations.urls")),
    path("", include("masthead.search.urls")),
    path("", include("masthead.publishing.urls")),
]
