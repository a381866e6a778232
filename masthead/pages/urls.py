from django.urls import path

from masthead.pages import views

app_name = "pages"

# Reversed only: requests reach pages through StandingPagesMiddleware, after the blogs
# and the site's own addresses have had their turn (see views.py).
urlpatterns = [path("<path:page_path>/", views.page_detail, name="page")]
