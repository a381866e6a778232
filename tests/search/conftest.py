"""A small archive to search: the suite's personas plus posts written here in five languages."""

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from masthead.publishing.models import Author, Topic

from ..conftest import make_post


def ago(days: int):
    return timezone.now() - datetime.timedelta(days=days)


def reader() -> Client:
    """A reader's browser: a 500 comes back as a response to check, not as an exception."""
    return Client(raise_request_exception=False)


def found_titles(response) -> list[str]:
    """The titles on a results page, in the order shown, without their highlight marks."""
    content = response.content.decode()
    titles = re.findall(r'class="post-card__title"><a href="[^"]*">(.*?)</a>', content, re.S)
    return [html.unescape(re.sub(r"</?mark>", "", title)) for title in titles]


def search_titles(client, text, **params) -> list[str]:
    response = client.get("/search/", {"q": text, **params})
    assert response.status_code == 200
    return found_titles(response)


@pytest.fixture
def tomas(db):
    return Author.objects.create(
        display_name="Tomás Ibáñez", given_name="Tomás", family_name="Ibáñez", slug="tomas-ibanez"
    )


@pytest.fixture
def budgets_topic(db):
    return Topic.objects.create(name="Public Budgets", slug="public-budgets")


@pytest.fixture
def archive(published_post, other_blog, ada, ben, tomas, topic, budgets_topic):
    """Posts in English, French, German, Spanish and Polish, over two blogs and three years."""
    blog = published_post.blog
    posts = {"batteries": published_post}
    posts["budget"] = make_post(
        blog, [ada], title="The Budget Line That Decides the Grid", slug="budget-line",
        publish_at=ago(40), summary="One budget line pays for every new substation.",
        body="Ministers rarely read the annex where the money for wires is hidden.",
    )  # fmt: skip
    posts["budget"].topics.add(budgets_topic)
    posts["french"] = make_post(
        other_blog, [tomas], title="La transition énergétique des villes",
        slug="transition-villes", publish_at=ago(400),
        summary="Les réseaux de chaleur coûtent moins cher qu'on ne le croit.",
        body="À Lyon, les élus ont choisi des réseaux de chaleur alimentés par la géothermie.",
    )  # fmt: skip
    posts["german"] = make_post(
        other_blog, [ben], title="Straßenbahnen für kleinere Städte",
        slug="strassenbahnen", publish_at=ago(800),
        summary="Warum sich Straßenbahnen auch für Städte unter 100.000 Einwohnern lohnen.",
        body="Die Bürgermeisterin von Görlitz rechnet mit höheren Fahrgastzahlen.",
    )  # fmt: skip
    posts["spanish"] = make_post(
        blog, [tomas, ada], title="Energía solar en Andalucía",
        slug="energia-solar", publish_at=ago(10),
        summary="La región produce más electricidad de la que consume en primavera.",
        body="Los agricultores de Jaén alquilan sus tierras a los promotores solares.",
    )  # fmt: skip
    posts["spanish"].topics.add(topic)
    posts["polish"] = make_post(
        other_blog, [ben], title="Źródła ciepła w Łodzi",
        slug="zrodla-ciepla", publish_at=ago(20),
        summary="Miasto zamienia węgiel na pompy ciepła.",
        body="Mieszkańcy Łodzi płacą za ogrzewanie mniej niż rok temu dzięki źdźbłom nadziei.",
    )  # fmt: skip
    return posts
