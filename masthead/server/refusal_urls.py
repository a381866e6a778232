"""The URLconf of a request whose body was refused unread: every address is the refusal.

The site's own routes follow, never matched, so that its page can still link to them.
"""

from django.conf import settings
from django.urls import include, re_path

from masthead.server.views import body_refused

urlpatterns = [re_path("", body_refused), re_path("", include(settings.ROOT_URLCONF))]
