from django.urls import path

from masthead.citations import views

app_name = "citations"

# Included before the publishing catch-all, so these win over `/<blog>/<post>/`.
urlpatterns = [
    path("cite/styles.json", views.style_list, name="style_list"),
    path("cite/unapi", views.unapi, name="unapi"),
    path("<slug:blog_slug>/<slug:post_slug>/cite/", views.cite_page, name="cite"),
    path("<slug:blog_slug>/<slug:post_slug>/cite.json", views.cite_json, name="cite_json"),
    path("<slug:blog_slug>/<slug:post_slug>/cite.bib", views.cite_bib, name="cite_bib"),
    path("<slug:blog_slug>/<slug:post_slug>/cite.ris", views.cite_ris, name="cite_ris"),
    path("<slug:blog_slug>/<slug:post_slug>.pdf", views.post_pdf, name="pdf"),
    path(
        "<slug:blog_slug>/<slug:post_slug>/versions/<int:number>.pdf",
        views.version_pdf,
        name="version_pdf",
    ),
]
