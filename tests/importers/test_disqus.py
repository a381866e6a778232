"""Comments kept in Disqus land on the imported posts, with the same guarantees."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from masthead.client_limits import hash_ip
from masthead.discussion.models import Comment
from masthead.importers.models import ImportedPost
from tests.importers.conftest import database_state
from tests.importers.wxr_builder import export, post


def thread(id, link, identifier=""):
    return (
        f'<thread dsq:id="{id}"><id>{identifier}</id><forum>oldblog</forum>'
        f"<link>{link}</link><title>A post</title><createdAt>2021-03-04T09:30:00Z</createdAt>"
        "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>"
    )


def disqus_post(id, thread_id, message, *, parent="", spam="false", deleted="false",
                approved=None, ip="192.0.2.44", name="Lena Park"):  # fmt: skip
    approval = f"<isApproved>{approved}</isApproved>" if approved is not None else ""
    parent_element = f'<parent dsq:id="{parent}"/>' if parent else ""
    return (
        f'<post dsq:id="{id}"><id/><message><![CDATA[{message}]]></message>'
        "<createdAt>2021-03-05T10:00:00Z</createdAt>"
        f"<isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>{approval}"
        f"<author><email>lena@example.org</email><name>{name}</name>"
        "<isAnonymous>false</isAnonymous></author>"
        f'<ipAddress>{ip}</ipAddress><thread dsq:id="{thread_id}"/>{parent_element}</post>'
    )


def disqus(*parts):
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' + "".join(parts) + "</disqus>"
    )


@pytest.fixture
def imported_site(import_wxr):
    import_wxr(
        export(
            post(1, "Grid Lines", link="https://old.example.org/2021/03/04/grid-lines/"),
            post(2, "Trams", link="https://old.example.org/2021/03/05/trams/"),
        )
    )
    return ImportedPost.objects.get(wordpress_id=1).post


def run(import_wxr, text, *args) -> str:
    out = io.StringIO()
    call_command("import_disqus", import_wxr.file(text), *args, stdout=out)
    return out.getvalue()


EXPORT = disqus(
    thread(10, "https://old.example.org/2021/03/04/grid-lines/"),
    thread(11, "https://elsewhere.example/unknown/"),
    thread(12, "https://old.example.org/?p=2", identifier="2 https://old.example.org/?p=2"),
    disqus_post(100, 10, "<p>Approved in Disqus.</p>"),
    disqus_post(101, 10, "A reply.", parent=100),
    disqus_post(102, 10, "A reply to the reply.", parent=101),
    disqus_post(103, 10, "Buy now", spam="true"),
    disqus_post(104, 10, "Removed.", deleted="true"),
    disqus_post(105, 10, "Awaiting.", approved="false"),
    disqus_post(106, 11, "On a page we never had."),
    disqus_post(107, 12, "Matched by the WordPress id."),
)


def test_threads_attach_to_posts_by_old_address_or_wordpress_id_with_status_and_replies(
    import_wxr, imported_site, client
):
    summary = run(import_wxr, EXPORT)
    by_body = {c.body: c for c in Comment.objects.all()}
    assert by_body["Approved in Disqus."].post == imported_site
    assert by_body["Approved in Disqus."].status == Comment.Status.APPROVED
    assert by_body["A reply."].parent == by_body["Approved in Disqus."]
    assert by_body["A reply to the reply."].parent == by_body["Approved in Disqus."]
    assert by_body["Buy now"].status == Comment.Status.SPAM
    assert by_body["Removed."].status == Comment.Status.REJECTED
    assert by_body["Awaiting."].status == Comment.Status.PENDING
    assert by_body["Matched by the WordPress id."].post.title == "Trams"
    assert "On a page we never had." not in by_body
    assert "1 skipped: its thread matches no post here" in summary
    assert by_body["A reply."].ip_hash == hash_ip("192.0.2.44")
    page = client.get(imported_site.get_absolute_url()).text
    assert "Approved in Disqus." in page
    for hidden in ("Buy now", "Removed.", "Awaiting."):
        assert hidden not in page


def test_a_second_disqus_import_creates_nothing_and_a_dry_run_writes_nothing(
    import_wxr, imported_site
):
    before = database_state()
    rehearsal = run(import_wxr, EXPORT, "--dry-run")
    assert database_state() == before
    assert "comments: 7 created, 1 skipped" in rehearsal
    run(import_wxr, EXPORT)
    after_first = Comment.objects.count()
    again = run(import_wxr, EXPORT)
    assert Comment.objects.count() == after_first == 7
    assert "comments: 7 unchanged, 1 skipped" in again


def test_a_file_that_is_not_a_disqus_export_is_refused_and_changes_nothing(
    import_wxr, imported_site
):
    before = database_state()
    with pytest.raises(CommandError) as raised:
        run(import_wxr, export(post(3, "Not Disqus")))
    assert "not a Disqus export" in str(raised.value)
    truncated = EXPORT[: len(EXPORT) // 2]
    with pytest.raises(CommandError) as raised:
        run(import_wxr, truncated)
    assert "truncated" in str(raised.value)
    assert database_state() == before
