import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
django.setup(set_prefix=False)

# Django's handler with limits on slow and oversized request bodies (see the module).
from masthead.server.asgi import MastheadASGIHandler  # noqa: E402

application = MastheadASGIHandler()
