"""Every public page answers, and shows only what a reader may see."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_hub_lists_each_blog_with_its_tagline_and_latest_posts(
    client, published_post, other_blog
):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Energy Desk" in html and "Cities Lab" in html
    assert "Experts give their take on the energy transition" in html
    assert published_post.title in html


def test_a_post_page_shows_its_byline_in_order_and_its_body(client, published_post):
    response = client.get("/energy/batteries-alone/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Ada Okafor") < html.index("Ben van der Berg")
    assert "<em>time</em>" in html
