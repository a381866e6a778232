"""No public page is wider than the screen, at a phone's 390 px and a laptop's 1280 px.

Every public page of the demo site, plus posts written to break layouts: a title of
200 letters with no space, a very long address in the text, a table of many columns,
a long line of code, an author whose name runs on without a break, a long topic name
and a comment holding a long address. Long words and addresses must break; tables and
code scroll inside their own boxes, which the keyboard can reach.
"""

import datetime

import pytest
from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.pages.models import Page
from masthead.publishing.models import Author, Blog, Post, PostVersion, Topic
from masthead.server.sample.loader import load_sample_content
from tests.browser import launch_chromium
from tests.conftest import make_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = (390, 1280)
LONG_TITLE = "Unbroken" + "titletext" * 24  # 224 letters, no space anywhere
LONG_URL = "https://example.org/" + "/".join(f"segment-{n}-of-a-very-deep-path" for n in range(14))
# As long as the fields hold (PostgreSQL refuses longer; SQLite would not say).
LONG_NAME = "Maximiliana" + "Wolfeschlegelsteinhausenbergerdorff" * 3  # 116 letters
WIDE_TABLE = (
    "| " + " | ".join(f"Column heading {n}" for n in range(14)) + " |\n"
    "|" + "---|" * 14 + "\n"
    "| " + " | ".join(f"value-{n}-wide" for n in range(14)) + " |\n"
)
LONG_CODE = "```\n" + "result = compute(" + ", ".join(f"argument_{n}" for n in range(40)) + ")\n```"
HOSTILE_BODY = (
    f"An address with no break: {LONG_URL} and as a link [{LONG_URL}]({LONG_URL}).\n\n"
    f"{WIDE_TABLE}\n{LONG_CODE}\n\nInline code too: `{'x' * 180}`.\n\n"
    f"A word: {'a' * 300}."
)

# What the browser reports for a page: how wide it is, and the widest thing sticking out.
MEASURE = """() => {
    const width = document.documentElement.clientWidth;
    let widest = null;
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.right > width + 1 && (!widest || box.right > widest.right)) {
            widest = {right: Math.round(box.right), tag: element.tagName,
                      cls: element.className, text: (element.textContent || "").slice(0, 60)};
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, widest};
}"""


def hostile_posts():
    blog = Blog.objects.order_by("position").first()
    long_author = Author.objects.create(
        display_name=LONG_NAME, given_name="Maximiliana", family_name=LONG_NAME[11:][:80],
        slug="long-name",
    )  # fmt: skip
    topic = Topic.objects.create(name="Topic" + "withoutspaces" * 5, slug="long-topic")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    long_title = make_post(blog, [long_author], title=LONG_TITLE, slug="long-title",
                           publish_at=yesterday, body=HOSTILE_BODY)  # fmt: skip
    long_title.topics.add(topic)
    typed_markup = make_post(
        blog, [long_author], title="Titles <em>With</em> Tags Typed by a Writer",
        slug="typed-tags", publish_at=yesterday, body=f"{WIDE_TABLE}\n\nSee {LONG_URL}.",
    )  # fmt: skip
    comment = Comment(post=long_title, author_name=LONG_NAME[:80], email="long@example.org")
    comment.set_text(f"See {LONG_URL} and {'b' * 200}.")
    comment.save()
    comment.approve()
    return [long_title, typed_markup], long_author, topic


def public_paths() -> list[str]:
    paths = ["/", "/archive/", "/search/?q=grid", f"/search/?q={'a' * 150}", "/no-such-page/"]
    paths += [blog.get_absolute_url() for blog in Blog.objects.all()]
    for post in Post.objects.public().select_related("blog"):
        paths += [post.get_absolute_url(), post.get_absolute_url() + "cite/"]
    paths += [version.get_absolute_url() for version in PostVersion.objects.all()]
    paths += [author.get_absolute_url() for author in Author.objects.all()]
    paths += [topic.get_absolute_url() for topic in Topic.objects.all()]
    months = {
        (timezone.localtime(at).year, timezone.localtime(at).month)
        for at in Post.objects.public().values_list("publish_at", flat=True)
    }
    paths += [f"/archive/{year}/{month}/" for year, month in sorted(months)]
    paths += [page.get_absolute_url() for page in Page.objects.public()]
    return paths


def test_no_public_page_is_wider_than_the_screen_at_390_or_1280_pixels(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    load_sample_content()
    hostile, long_author, long_topic = hostile_posts()
    paths = public_paths()
    assert len(paths) > 60  # the demo's pages, not a handful
    for must in (hostile[0].get_absolute_url(), long_author.get_absolute_url()):
        assert must in paths
    too_wide = []
    with launch_chromium() as chromium:
        for width in WIDTHS:
            context = chromium.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status in (200, 404), (path, response.status)
                measured = page.evaluate(MEASURE)
                if measured["scrollWidth"] > width:
                    too_wide.append((width, path, measured["scrollWidth"], measured["widest"]))
            if width == 390:
                hostile_page = live_server.url + hostile[0].get_absolute_url()
                table_box = page_scroll_box(context, hostile_page)
            context.close()
    assert not too_wide, "\n".join(map(str, too_wide))
    # The wide table scrolls in its own box, which Tab reaches and a screen reader names.
    assert table_box == {"scrolls": True, "focusable": True, "name": "Table", "role": "region"}


def page_scroll_box(context, url) -> dict:
    """The wide table's box on the hostile post: does it scroll, can Tab reach it?"""
    page = context.new_page()
    page.goto(url)
    box = page.locator(".post__body .table-scroll").first
    if not box.count():
        page.close()
        return {}
    found = box.evaluate(
        """element => ({scrolls: element.scrollWidth > element.clientWidth,
                        focusable: element.tabIndex === 0,
                        name: element.getAttribute("aria-label"),
                        role: element.getAttribute("role")})"""
    )
    page.close()
    return found
