"""django-axes' hooks: the page shown while a login is locked, and the username recorded."""

from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(
        request,
        "login_locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    # Tells scripts and well-behaved clients when trying again can succeed.
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "private, no-store"
    return response


USERNAME_COLUMN_LENGTH = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request, credentials=None):
    """The username a login attempt named, cut to what axes can store.

    Django's login form does not limit the length of what it authenticates, and axes records
    every failure; PostgreSQL refuses a longer value outright, which made an over-long username
    a server error instead of a failed login. No account has a name this long, so cutting it
    only groups garbage with garbage.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_COLUMN_LENGTH] if isinstance(username, str) else username
