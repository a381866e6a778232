"""Behind our own proxy the reader's address is the one the proxy saw; nobody else is believed."""

import pytest
from django.test import RequestFactory

from masthead.client_limits import client_ip


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_a_forwarded_address_is_ignored(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = []
    assert client_ip(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_behind_our_proxy_the_reader_is_the_address_the_proxy_saw(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request_from("127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_an_address_a_client_made_up_is_not_believed(settings):
    # The client sends its own X-Forwarded-For; nginx appends the address it really saw.
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    forged = "192.0.2.1, 198.51.100.7"
    assert client_ip(request_from("10.0.0.5", forged)) == "198.51.100.7"


def test_each_of_our_proxies_in_a_chain_is_skipped(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8", "127.0.0.1"]
    chain = "198.51.100.7, 10.1.2.3"
    assert client_ip(request_from("127.0.0.1", chain)) == "198.51.100.7"


def test_a_connection_not_from_our_proxy_is_taken_as_it_comes(settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "198.51.100.7, ²", "\x00"])
def test_a_missing_or_garbled_header_leaves_the_last_trusted_address(settings, forwarded):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request_from("127.0.0.1", forwarded)) == "127.0.0.1"


def test_two_readers_behind_the_proxy_count_apart_for_the_comment_limit(settings):
    from masthead.client_limits import client_key

    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    first = client_key(request_from("127.0.0.1", "198.51.100.7"))
    second = client_key(request_from("127.0.0.1", "198.51.100.8"))
    assert first != second
