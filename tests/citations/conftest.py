import pytest

from masthead.citations.formatting import core_styles, format_posts
from masthead.publishing.models import Post


@pytest.fixture
def formatted_post(published_post):
    """The shared published post with its four references formatted, as a save leaves it."""
    post = Post.objects.with_byline().get(pk=published_post.pk)
    format_posts([post], core_styles())
    return post


@pytest.fixture
def site_url(settings):
    settings.MASTHEAD_SITE_URL = "https://harbour.example.org"
    return settings.MASTHEAD_SITE_URL
