"""The policy header is built once and handed out again; it must never go stale or leak."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.http import HttpResponse
from django.test import RequestFactory

from masthead.content_security import BuiltOnceCSPMiddleware


def answered(view, path="/"):
    request = RequestFactory().get(path)
    middleware = BuiltOnceCSPMiddleware(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def plain(request):
    return HttpResponse("hello")


def test_a_changed_policy_setting_shows_in_the_next_answer(settings):
    first = answered(plain)["Content-Security-Policy"]
    assert "img-src 'self'" in first
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "img-src": ["'self'", "https://img.example"]}
    settings.CONTENT_SECURITY_POLICY = policy
    assert "img-src 'self' https://img.example" in answered(plain)["Content-Security-Policy"]


def test_a_view_that_widens_its_own_policy_does_not_widen_anyone_elses():
    @csp_update({"img-src": ["https://maps.example"]})
    def with_maps(request):
        return HttpResponse("map")

    assert "https://maps.example" in answered(with_maps)["Content-Security-Policy"]
    assert "https://maps.example" not in answered(plain)["Content-Security-Policy"]


def test_a_page_that_asks_for_a_nonce_gets_it_in_its_header_and_no_other_page_does(settings):
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "script-src": ["'self'", NONCE]}
    settings.CONTENT_SECURITY_POLICY = policy

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request = RequestFactory().get("/")
    middleware = BuiltOnceCSPMiddleware(with_nonce)
    middleware.process_request(request)
    response = middleware.process_response(request, with_nonce(request))
    assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]
    assert "nonce-" not in answered(plain)["Content-Security-Policy"]
