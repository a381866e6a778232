"""The page cache stores the subscribe form as it is for everyone, and nothing of one reader."""

import re

import pytest

from .conftest import SITE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the shared content version lives in this test's folder


@pytest.mark.parametrize("page", ["post", "blog", "author", "topic", "hub"])
def test_a_stored_page_holds_the_form_with_no_token_and_is_the_same_after_a_reader_subscribes(
    client, published_post, blog, ada, topic, page
):
    pages = {"post": published_post, "blog": blog, "author": ada, "topic": topic}
    url = pages[page].get_absolute_url() if page in pages else "/"
    first = client.get(url)
    assert first.status_code == 200
    assert 'action="/newsletter/subscribe/"' in first.content.decode()
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies

    answer = client.post("/newsletter/subscribe/", {"email": "rosa@example.org",
                         "follow": ["all"], "cadence": "each"}, HTTP_ORIGIN=SITE)  # fmt: skip
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"
    assert not answer.cookies  # no session begins: the reader stays anonymous to the cache

    again = client.get(url)
    assert again["X-Cache"] == "hit"
    assert again.content == first.content
    assert b"rosa@example.org" not in again.content


def test_pages_reached_from_a_readers_mail_are_never_stored(client, blog):
    from .conftest import reader

    rosa = reader("rosa@example.org", blogs=[blog])
    for path in (
        f"/newsletter/preferences/{rosa.token}/",
        f"/newsletter/unsubscribe/{rosa.token}/",
    ):
        first, second = client.get(path), client.get(path)
        assert first["Cache-Control"] == "private, no-store"
        assert second.get("X-Cache") != "hit"
        assert re.search(rb"rosa@example\.org", second.content)
