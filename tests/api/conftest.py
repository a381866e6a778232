"""A small archive for the API: public posts in two blogs, plus what must never show."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import illustrate, make_post


@pytest.fixture
def archive(published_post, draft_post, scheduled_post, other_blog, ben, research_team, topic):
    illustrate(published_post, alt="Pylons", caption="Lines at dusk", credit="Photo: J. Ruiz")
    older = make_post(
        other_blog, [research_team, ben], title="Buses First", slug="buses-first",
        publish_at=timezone.now() - datetime.timedelta(days=40), summary="Lanes before tunnels.",
    )  # fmt: skip
    older.topics.add(topic)
    return {"published": published_post, "older": older, "hidden": [draft_post, scheduled_post]}
