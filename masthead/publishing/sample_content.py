"""Sample content for the demo site (placeholder until the full set lands)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from masthead.publishing.models import Blog, Institution

DEMO_LOGINS = {"admin": ("admin", "masthead-demo")}


@transaction.atomic
def load_sample_content() -> str:
    Institution.objects.update_or_create(
        pk=1, defaults={"name": "Harbour Institute", "short_name": "Harbour Institute"}
    )
    Blog.objects.update_or_create(
        slug="policy", defaults={"name": "Policy Notes", "tagline": "Experts on public policy"}
    )
    user_model = get_user_model()
    username, password = DEMO_LOGINS["admin"]
    admin, _ = user_model.objects.get_or_create(username=username)
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    return "Sample content loaded."
