"""Every kind of page is served under a strict Content-Security-Policy and obeys it.

The header says scripts and styles come only from our own files; the markup is
read for anything such a policy would block (inline scripts, on* handlers,
javascript: URLs, inline styles), which would break silently in a browser.
"""

import pytest

from masthead.discussion.models import Comment

from .policy import csp_directives, inline_code_in, sources_for

READER_PAGES = {
    "hub": "/",
    "blog": "/energy/",
    "post": "/energy/batteries-alone/",
    "author": "/authors/ada-okafor/",
    "topic": "/topics/grid-storage/",
    "archive": "/archive/",
    "cite page": "/energy/batteries-alone/cite/",
    "admin login": "/admin/login/",
    "page not found": "/energy/no-such-post/",
}
MODERATOR_PAGES = {
    "moderation queue": "/moderation/",
    "moderation log": "/moderation/log/",
    "moderation rules": "/moderation/rules/",
}
EDITOR_PAGES = {
    "admin index": "/admin/",
    "admin post list": "/admin/publishing/post/",
    "admin new post": "/admin/publishing/post/add/",
}


def assert_strict_policy(response):
    directives = csp_directives(response)
    for kind in ("script-src", "style-src"):
        sources = sources_for(directives, kind)
        assert sources, f"{kind} allows everything"
        for loophole in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"):
            assert loophole not in sources, f"{kind} allows {loophole}"
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def assert_obeys_policy(response):
    assert_strict_policy(response)
    assert inline_code_in(response.content.decode()) == []


@pytest.mark.parametrize("path", READER_PAGES.values(), ids=READER_PAGES.keys())
def test_a_reader_page_is_served_under_the_policy_and_obeys_it(client, furnished_post, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert_obeys_policy(response)


def test_the_month_archive_obeys_the_policy(client, furnished_post):
    month = furnished_post.publish_at
    response = client.get(f"/archive/{month.year}/{month.month}/")
    assert response.status_code == 200
    assert_obeys_policy(response)


def test_the_commenters_status_page_obeys_the_policy(client, furnished_post):
    pending = Comment.objects.get(author_name="Omar")
    response = client.get(pending.get_status_url())
    assert "awaits moderation" in response.content.decode()
    assert_obeys_policy(response)


def test_the_reply_form_and_a_refused_comment_obey_the_policy(client, furnished_post):
    approved = Comment.objects.get(author_name="Rosa")
    reply = client.get(f"/comments/{furnished_post.pk}/reply/{approved.pk}/")
    assert reply.status_code == 200
    assert_obeys_policy(reply)
    refused = client.post(f"/comments/{furnished_post.pk}/", {"body": "x"})  # no Origin
    assert refused.status_code == 403
    assert_obeys_policy(refused)


@pytest.mark.parametrize("path", MODERATOR_PAGES.values(), ids=MODERATOR_PAGES.keys())
def test_a_moderation_page_obeys_the_policy(client, furnished_post, moderator, path):
    client.force_login(moderator)
    response = client.get(path)
    assert response.status_code == 200
    if path == "/moderation/":
        assert "Storage is cheaper every year." in response.content.decode()
    assert_obeys_policy(response)


@pytest.mark.parametrize("path", EDITOR_PAGES.values(), ids=EDITOR_PAGES.keys())
def test_an_admin_page_obeys_the_policy(editor_client, furnished_post, path):
    response = editor_client.get(path)
    assert response.status_code == 200
    assert_obeys_policy(response)


def test_the_admin_form_for_a_post_obeys_the_policy(editor_client, furnished_post):
    response = editor_client.get(f"/admin/publishing/post/{furnished_post.pk}/change/")
    assert response.status_code == 200
    assert_obeys_policy(response)


def test_the_post_pages_metadata_block_is_data_not_code(client, furnished_post):
    """JSON-LD stays (search engines read it); browsers never run it, so the CSP allows it."""
    html = client.get("/energy/batteries-alone/").content.decode()
    assert '<script type="application/ld+json">' in html
    assert inline_code_in(html) == []


def test_the_inline_code_finder_sees_what_the_policy_would_block():
    """The page checks above can fail: each kind of inline code is reported."""
    html = (
        '<button onclick="go()">Go</button><a href=" JavaScript:go()">x</a>'
        '<p style="color:red">red</p><style>p{}</style><script>go()</script>'
        '<script type="module">go()</script><script src="/static/ok.js"></script>'
        '<script type="application/ld+json">{"@type": "BlogPosting"}</script>'
    )
    problems = inline_code_in(html)
    assert len(problems) == 6
    assert any("onclick" in problem for problem in problems)
    assert any("javascript: URL" in problem for problem in problems)
    assert sum("inline <script>" in problem for problem in problems) == 2
