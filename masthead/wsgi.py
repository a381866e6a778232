import os

from django.core.wsgi import get_wsgi_application

from masthead.server.lifeline import exit_with_parent

# First, before Django loads: a worker of `masthead serve --interface wsgi` ends with it.
exit_with_parent()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
application = get_wsgi_application()
