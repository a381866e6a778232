"""Known content for the browser journeys, loaded into the server's own fresh database.

Run as a script in the server's environment (``python tests/e2e/seed.py`` after
``masthead migrate``); the tests import the constants below to know what to look for.
"""

import datetime
import io
import os

# What the journeys expect to find.
INSTITUTION = "Lantern Institute for Coastal Policy"
BLOG_SLUG = "tides"
BLOG_NAME = "Tides & Tables"
BLOG_TAGLINE = "Experts give their take on life along the coast"
POST_SLUG = "seawalls-buy-time"
POST_TITLE = "Seawalls Buy Time, Not Safety"
AUTHORS = [
    # (display name, slug, given name, family name)
    ("Maren Quist", "maren-quist", "Maren", "Quist"),
    ("Tobiah Nakamura-Reyes", "tobiah-nakamura-reyes", "Tobiah", "Nakamura-Reyes"),
]
IMAGE_ALT = "A concrete seawall with waves breaking against it at dusk"
IMAGE_CAPTION = "The new wall at the harbour mouth, a week after it was finished."
IMAGE_CREDIT = "Photo: Ines Halvorsen"
APPROVED_COMMENTS = [
    ("Odile Brandt", "odile@example.org", "Our town voted on this last spring; the wall won."),
    ("Kwame Asante", "kwame@example.net", "Managed retreat deserves the same column inches."),
]
MODERATOR = ("harbourmaster", "tide-tables-moderator-2026")
TOPIC = ("Flood defences", "flood-defences")
# Earlier posts by the first author under the same topic, in both blogs and in earlier
# months: the author, topic and archive pages list several cards, as on a real site.
# (title, slug, blog slug, days before now)
EARLIER_POSTS = [
    ("Who Maintains the Dunes?", "who-maintains-the-dunes", "tides", 9),
    ("Levees and the Upstream Bill", "levees-and-the-upstream-bill", "inland", 16),
    ("Insurance Maps Lag the Water", "insurance-maps-lag-the-water", "tides", 41),
    ("A Reservoir Is a Promise", "a-reservoir-is-a-promise", "inland", 47),
    ("Harbour Dredging, Counted", "harbour-dredging-counted", "tides", 73),
]
CORRECTED_POST = ("who-maintains-the-dunes", "An earlier version gave the survey the wrong year.")
# A post with footnotes, corrected once, so its earlier version is kept too.
NOTED_POST_SLUG = "dunes-and-notes"


def seed() -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image

    from masthead.discussion.models import Comment
    from masthead.discussion.roles import ensure_moderators_group
    from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

    Institution.objects.create(
        name=INSTITUTION,
        short_name="Lantern Institute",
        url="https://lantern.example.org",
        comment_guidelines="Keep to the argument, not the person. Cite what you can.",
    )
    blog = Blog.objects.create(name=BLOG_NAME, slug=BLOG_SLUG, tagline=BLOG_TAGLINE)
    inland = Blog.objects.create(
        name="Inland Waters",
        slug="inland",
        tagline="Experts give their take on rivers and lakes",
        position=1,
    )
    authors = [
        Author.objects.create(
            display_name=name,
            slug=slug,
            given_name=given,
            family_name=family,
            role="Fellow",
            bio=f"{given} writes about flood defences and the money behind them.",
        )  # fmt: skip
        for name, slug, given, family in AUTHORS
    ]
    post = Post(
        blog=blog,
        title=POST_TITLE,
        slug=POST_SLUG,
        status=Post.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=2),
        summary="A wall moves the flood; it does not remove it.",
        body=(
            "## What a wall does\n\n"
            "A seawall holds back the ordinary storm and invites building right behind it. "
            "When the extraordinary storm arrives, more is standing in its way.\n\n"
            "## What it costs\n\n"
            "Upkeep grows every decade, and the beach in front of the wall *narrows*."
        ),
        image_alt=IMAGE_ALT,
        image_caption=IMAGE_CAPTION,
        image_credit=IMAGE_CREDIT,
    )
    picture = io.BytesIO()
    Image.new("RGB", (1200, 675), "#2b5d7a").save(picture, "JPEG")
    post.featured_image = ContentFile(picture.getvalue(), name=f"{POST_SLUG}.jpg")
    post.save()
    for position, author in enumerate(authors):
        PostAuthor.objects.create(post=post, author=author, position=position)
    topic_name, topic_slug = TOPIC
    topic = Topic.objects.create(
        name=topic_name, slug=topic_slug, description="Walls, dunes, levees and who pays."
    )
    post.topics.add(topic)

    blogs = {blog.slug: blog, inland.slug: inland}
    for title, slug, blog_slug, days_ago in EARLIER_POSTS:
        earlier = Post.objects.create(
            blog=blogs[blog_slug],
            title=title,
            slug=slug,
            status=Post.Status.PUBLISHED,
            publish_at=timezone.now() - datetime.timedelta(days=days_ago),
            summary=f"{authors[0].given_name} on {title.lower().rstrip('?')}.",
            body="A short note on the money behind the water.",
        )
        PostAuthor.objects.create(post=earlier, author=authors[0], position=0)
        earlier.topics.add(topic)

    corrected_slug, correction = CORRECTED_POST
    corrected = Post.objects.get(slug=corrected_slug)
    corrected.updated_at = corrected.publish_at + datetime.timedelta(days=1)
    corrected.correction_note = correction
    corrected.save()

    noted = Post.objects.create(
        blog=blog,
        title="Dunes Are Infrastructure Too",
        slug=NOTED_POST_SLUG,
        status=Post.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=5),
        body="Dunes absorb wave energy[^1] and recover after storms.[^2]\n\n"
        "[^1]: As measured on three beaches over ten winters.\n"
        "[^2]: If sand is left to move.\n",
    )
    PostAuthor.objects.create(post=noted, author=authors[0], position=0)
    noted.body = noted.body.replace("three beaches", "four beaches")
    noted.updated_at = timezone.now() - datetime.timedelta(days=1)
    noted.correction_note = "The study covered four beaches, not three."
    noted.save()

    for name, email, text in APPROVED_COMMENTS:
        comment = Comment(post=post, author_name=name, email=email)
        comment.set_text(text)
        comment.save()
        comment.approve()

    username, password = MODERATOR
    moderator = get_user_model().objects.create_user(
        username, "harbourmaster@example.org", password, is_staff=True
    )
    moderator.groups.add(ensure_moderators_group())


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    django.setup()
    seed()


def log_in_as_moderator(page):
    """Sign in through the admin's login form as the seeded moderator; lands on the queue."""
    page.goto("/admin/login/?next=/moderation/")
    username, password = MODERATOR
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/moderation/")
