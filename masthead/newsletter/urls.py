from django.urls import path

from masthead.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("newsletter/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/confirm/<str:token>/", views.confirm_subscription, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("newsletter/preferences/<str:token>/", views.preferences, name="preferences"),
]
