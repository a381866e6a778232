"""Nothing a client sends grows the shared cache: its keys name the site, not the request.

A server reached directly (without nginx, which names the site itself) sees
whatever ``Host`` a client writes, ports included. The cache's keys must not
follow it: a hundred ports ask for the same post and leave as many keys as one.
"""

import pytest

from harness.caches import every_stored_value

pytestmark = pytest.mark.django_db


def keys_after(client, url, hosts) -> int:
    for host in hosts:
        assert client.get(url, HTTP_HOST=host).status_code == 200
    return len(every_stored_value())


def test_a_hundred_host_ports_add_no_cache_keys_beyond_one_reader(client, settings, published_post):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.MASTHEAD_SITE_URL = "http://news.example.org"
    settings.MASTHEAD_PAGE_CACHE = False  # the shared cache alone, as every page renders
    url = published_post.get_absolute_url()
    at_the_site = keys_after(client, url, ["news.example.org"])
    assert at_the_site > 0  # the site's own address does use the cache
    ports = [f"news.example.org:{port}" for port in range(20001, 20101)]
    assert keys_after(client, url, ports) == at_the_site


def test_a_page_asked_for_at_another_port_still_links_to_where_it_was_asked(
    client, settings, published_post
):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.MASTHEAD_SITE_URL = "http://news.example.org"
    url = published_post.get_absolute_url()
    client.get(url, HTTP_HOST="news.example.org")  # the site's fragments are cached
    page = client.get(url, HTTP_HOST="news.example.org:20001").content.decode()
    assert f"http://news.example.org:20001{url}" in page
    assert f'"http://news.example.org{url}"' not in page


def test_asking_for_months_outside_the_archive_adds_no_cache_keys(client, published_post):
    month = published_post.publish_at
    own = f"/archive/{month.year}/{month.month}/"
    assert client.get(own).status_code == 200
    keys = len(every_stored_value())
    for year in range(1900, 1950):
        for number in (1, 6, 12):
            empty = client.get(f"/archive/{year}/{number}/")
            assert empty.status_code == 200 and published_post.title not in empty.content.decode()
    assert client.get(f"/archive/{month.year + 5}/1/").status_code == 200
    assert len(every_stored_value()) == keys
    assert client.get(own).status_code == 200
