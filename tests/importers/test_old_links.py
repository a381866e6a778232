"""Links to the old WordPress site keep working: its permalinks and /?p=<id> answer 301s."""

import pytest

from masthead.importers.models import ImportedPost
from tests.importers.wxr_builder import export, post


def new_address(wordpress_id):
    return ImportedPost.objects.get(wordpress_id=wordpress_id).post.get_absolute_url()


def test_the_old_permalink_answers_a_permanent_redirect_to_the_new_post(import_wxr, client):
    import_wxr(export(post(1, "Grid Lines", link="https://old.example.org/2021/03/04/grid-lines/")))
    response = client.get("/2021/03/04/grid-lines/")
    assert response.status_code == 301
    assert response["Location"] == new_address(1)
    assert client.get(response["Location"]).status_code == 200


def test_the_old_permalink_without_its_final_slash_also_redirects(import_wxr, client):
    import_wxr(export(post(1, "Grid Lines", link="https://old.example.org/2021/03/04/grid-lines/")))
    response = client.get("/2021/03/04/grid-lines")
    assert response.status_code == 301
    assert response["Location"] == new_address(1)


def test_a_permalink_with_non_ascii_characters_redirects(import_wxr, client):
    import_wxr(export(post(1, "Café", slug="caf%c3%a9", link="https://old.example.org/caf%c3%a9/")))
    response = client.get("/caf%C3%A9/")
    assert response.status_code == 301
    assert response["Location"] == new_address(1)


def test_the_plain_wordpress_address_with_the_post_id_redirects(import_wxr, client):
    import_wxr(export(post(1234, "Grid Lines")))
    response = client.get("/?p=1234")
    assert response.status_code == 301
    assert response["Location"] == new_address(1234)


def test_the_old_address_of_a_post_that_is_not_public_stays_unknown(import_wxr, client):
    import_wxr(
        export(
            post(5, "Secret Draft", status="draft", link="https://old.example.org/secret-draft/")
        )
    )
    assert client.get("/?p=5").status_code == 200  # the hub, saying nothing about the draft
    assert client.get("/secret-draft/").status_code == 404


def test_an_unknown_old_id_shows_the_hub_and_unknown_paths_stay_404(import_wxr, client):
    import_wxr(export(post(1, "Grid Lines")))
    assert client.get("/?p=999").status_code == 200
    assert client.get("/?p=abc").status_code == 200
    assert client.get("/2000/01/01/nothing-here/").status_code == 404


def test_the_new_post_page_names_itself_as_the_canonical_address(import_wxr, client):
    import_wxr(export(post(1, "Grid Lines")))
    page = client.get(new_address(1)).text
    assert f'<link rel="canonical" href="http://testserver{new_address(1)}">' in page


@pytest.mark.parametrize("address", ["/?p=%C2%B2", "/no-such-page%00/", "/%00/"])
def test_odd_old_addresses_get_a_page_or_a_plain_not_found(import_wxr, client, address):
    assert client.get(address).status_code in (200, 404)
