from django.urls import path

from masthead.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_post, name="new"),
    path("new/autosave/", views.new_autosave, name="new_autosave"),
    path("import/", views.import_word, name="import"),
    path("names/", views.suggest_names, name="names"),
    path("<int:pk>/", views.write, name="write"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/autosave/discard/", views.discard_autosave, name="discard_autosave"),
    path("<int:pk>/images/", views.upload_image, name="images"),
    path("<int:pk>/step/", views.take_step, name="step"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/<int:version_id>/restore/", views.restore, name="restore"),
]
