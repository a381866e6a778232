from functools import wraps

from django.http import HttpResponse
from django.urls import URLPattern

from masthead.api.views import api

READ_METHODS = "GET, HEAD, OPTIONS"


def for_reading(view):
    """HEAD answers as GET does (the server sends no body); OPTIONS says what may be asked.

    django-ninja routes GET alone; CORS preflights are answered earlier, by
    django-cors-headers, before they reach the view.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = READ_METHODS
            return response
        if request.method == "HEAD":
            request.method = "GET"
            response = view(request, *args, **kwargs)
            request.method = "HEAD"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            response["Allow"] = READ_METHODS
        return response

    return wrapped


ninja_patterns, app_name, _namespace = api.urls
urlpatterns = [
    URLPattern(pattern.pattern, for_reading(pattern.callback), pattern.default_args, pattern.name)
    for pattern in ninja_patterns
]
