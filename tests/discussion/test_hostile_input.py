"""A corpus of hostile comments: every one must come out as inert text.

Checked twice: on the HTML stored at write time, and on the post page a
reader actually receives once the comment is approved.
"""

from html.parser import HTMLParser

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.discussion.models import Comment
from masthead.discussion.text import clean_text, count_links, render_comment_html

from .conftest import submit

HOSTILE_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "[click](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # full-width angle brackets
    "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    'https://example.org/"onmouseover="alert(1)',
    "http://example.org/<script>",
    "user\u202egnp.exe is an RTL override",
    "\u2066isolated\u2069 and \u200fmarks\u200e",
    "x" * 4000,
    "<!-- comment --><![CDATA[ data ]]>",
    '<form action="https://evil.example"><input name=q></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<base href='https://evil.example/'>",
    "<<script>script>alert(1)<</script>/script>",
    "\x1b[31mterminal red\x1b[0m",
]

ALLOWED_TAGS = {"p", "br", "a"}


class MarkupCollector(HTMLParser):
    """What a browser would build from the HTML: its elements with their attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.elements.append(("!--", {}))


def assert_inert(html: str) -> None:
    parsed = MarkupCollector()
    parsed.feed(html)
    parsed.close()
    for tag, attributes in parsed.elements:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}> in {html!r}"
        if tag == "a":
            assert set(attributes) == {"href", "rel"}, attributes
            assert attributes["href"].startswith(("http://", "https://")), attributes
            assert attributes["rel"] == "nofollow ugc noopener"
        else:
            assert attributes == {}, attributes
    for sneaky in ("\u202e", "\u2066", "\x1b", "\x00"):
        assert sneaky not in html
    # Sanitising again with the same allow-list changes nothing: there was nothing left to strip.
    again = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"},
        link_rel="nofollow ugc noopener",
    )  # fmt: skip
    assert again == html


@pytest.mark.parametrize("hostile", HOSTILE_CORPUS)
def test_hostile_input_is_stored_as_inert_html(hostile):
    assert_inert(render_comment_html(clean_text(hostile)))


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", HOSTILE_CORPUS[:14])
def test_hostile_input_reaches_readers_as_text_on_the_post_page(client, published_post, hostile):
    submit(client, published_post, body=hostile)
    Comment.objects.get().approve()
    page = client.get(published_post.get_absolute_url()).content.decode()
    discussion = page[page.index('id="comments"') :]
    body = discussion[discussion.index('class="comment__body"') :]
    body = body[: body.index("</div>")]
    assert_inert(body[body.index(">") + 1 :])


def test_web_addresses_become_links_marked_nofollow_ugc():
    html = render_comment_html("See https://example.org/report?page=14 for details")
    assert (
        '<a href="https://example.org/report?page=14" rel="nofollow ugc noopener">'
        "https://example.org/report?page=14</a>" in html
    )


def test_paragraphs_and_line_breaks_are_kept():
    html = render_comment_html("First paragraph.\n\nSecond, line one\nline two")
    assert html == "<p>First paragraph.</p>\n<p>Second, line one<br>\nline two</p>"


def test_email_addresses_are_not_turned_into_links():
    assert "<a" not in render_comment_html("write to me at someone@example.org")


def test_markdown_syntax_is_shown_as_typed():
    html = render_comment_html("*not emphasis* and # not a heading")
    assert html == "<p>*not emphasis* and # not a heading</p>"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_at_all_renders_to_inert_html(text):
    assert_inert(render_comment_html(clean_text(text)))


ADDRESS_LIKE = st.sampled_from([
    "https://example.org/a?b=1", "http://example.net", "www.example.com/x", "example.org",
    "grid.example.co.uk/path", "x@example.org", "mailto:x@example.org", "ftp://f.example.net",
    "(https://example.org/b)", "https://例え.jp/", "http://", "www.", "<a href=x>", "[t](http://e.org)",
    "https://example.org/a,https://example.org/b", "word", "\n", "\n\n", " ", ".", "*",
])  # fmt: skip


@given(st.lists(st.one_of(ADDRESS_LIKE, st.text(max_size=12)), max_size=30))
@settings(max_examples=300)
def test_the_link_flag_counts_the_same_from_the_rendered_html(pieces):
    # Intake counts links in the HTML it renders anyway instead of searching the text a
    # second time; the moderators' flag must not change by it.
    body = clean_text(" ".join(pieces))
    assert count_links(body, render_comment_html(body)) == count_links(body)
