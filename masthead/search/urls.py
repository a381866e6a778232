from django.urls import path

from masthead.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("opensearch.xml", views.opensearch_description, name="opensearch"),
]
