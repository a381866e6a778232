import os

import django

from masthead.server.lifeline import exit_with_parent

# First, before Django loads (seconds on a busy machine): a worker of `masthead serve`
# ends with it, even when it is killed outright.
exit_with_parent()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
django.setup(set_prefix=False)

# Django's handler with limits on slow and oversized request bodies (see the module).
from masthead.server.asgi import MastheadASGIHandler  # noqa: E402

application = MastheadASGIHandler()
