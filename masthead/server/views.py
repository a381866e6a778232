from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

REFUSALS = {
    408: (
        "The request took too long to arrive",
        "Your connection sent the form too slowly, so it was not received. "
        "Nothing was saved: please go back and send it again.",
    ),
    413: (
        "The request is too large",
        "What you sent is larger than this site accepts, so it was not received. "
        "Nothing was saved: please go back and send something shorter or smaller.",
    ),
}


@csrf_exempt  # the request's body was never read: there is nothing to protect
def body_refused(request):
    """The page for a request whose body the server refused (see masthead.server.asgi)."""
    status = request.refused_with_status
    title, message = REFUSALS[status]
    response = render(request, "http_error.html", {"title": title, "message": message},
                      status=status)  # fmt: skip
    # The rest of the body may still be on its way: end the connection with this answer.
    response["Connection"] = "close"
    add_never_cache_headers(response)
    return response
