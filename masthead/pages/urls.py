from django.urls import path, register_converter
from django.urls.converters import PathConverter

from masthead.pages import views

app_name = "pages"


class ReverseOnlyPath(PathConverter):
    """Builds a page's address but matches no request: pages are reached through
    StandingPagesMiddleware, after the blogs and the site's own addresses have had their
    turn (see views.py), so an unknown address (and a POST to one) stays a plain 404."""

    def to_python(self, value):
        raise ValueError("pages are answered by StandingPagesMiddleware")


register_converter(ReverseOnlyPath, "page_path")

urlpatterns = [
    path("<page_path:page_path>/", views.page_detail, name="page"),
    path("<page_path:page_path>/versions/<int:number>/", views.page_version, name="version"),
]
