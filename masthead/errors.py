"""Readable answers for the refusals Django sends without a body.

Django's method decorators (``require_POST``, ``require_safe``), its class-based
views and WhiteNoise answer a wrong method with an empty 405. Someone who opens
a form's address by hand, or a client that sends PUT, would see a blank page.
This middleware gives any empty 4xx answer the site's own error page, saying
what went wrong and, for a 405, what the address does accept.
"""

import logging
from http import HTTPStatus

from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger("masthead.errors")

EXPLANATIONS = {
    400: "We could not read that request. Please go back and try again.",
    401: "You need to sign in to see this page.",
    403: "You do not have permission to see this page.",
    404: "The address may be mistyped, or the page may have moved.",
}


def explanation(request, response) -> tuple[str, str]:
    status = response.status_code
    if status == 405:
        method = request.method[:20]
        allowed = response.get("Allow", "")
        return (
            "That kind of request is not accepted here",
            f"This address answers {allowed or 'other'} requests, not {method}. "
            "If you were sending a form, go back to its page and send it from there.",
        )
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Request refused"
    return title, EXPLANATIONS.get(status, "We could not answer this request.")


class ExplainEmptyRefusalsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if 400 <= response.status_code < 500 and not response.streaming and not response.content:
            title, message = explanation(request, response)
            response.content = render_to_string(
                "http_error.html",
                {"title": title, "message": message, "status": response.status_code},
                request=request,
            )
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


class DatabaseUnavailableMiddleware:
    """A database that is restarting or out of reach answers 503 with a page that says so.

    Not the generic 500: the reader learns that it is passing, when to try again
    (``Retry-After``), and, if they were sending a comment, that it may not have
    arrived and that their text is kept (masthead/templates/503.html).
    """

    RETRY_AFTER_SECONDS = 10

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("The database could not be reached: %s", exception, exc_info=exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
