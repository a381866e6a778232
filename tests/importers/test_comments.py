"""Comments come with their threads and their moderation state; nothing held becomes public."""

from masthead.client_limits import hash_ip
from masthead.discussion.models import Comment, ModerationDecision
from masthead.importers.models import ImportedPost
from tests.importers.wxr_builder import comment, export, post


def the_post():
    return ImportedPost.objects.get(wordpress_id=1).post


def by_text(text):
    return Comment.objects.get(body__startswith=text)


def test_each_wordpress_comment_state_maps_to_a_moderation_state(import_wxr):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(1, "Approved words.", approved="1"),
                    comment(2, "Held words.", approved="0"),
                    comment(3, "Spam words.", approved="spam"),
                    comment(4, "Binned words.", approved="trash"),
                ],
            )
        )
    )
    assert by_text("Approved").status == Comment.Status.APPROVED
    assert by_text("Held").status == Comment.Status.PENDING
    assert by_text("Spam").status == Comment.Status.SPAM
    assert by_text("Binned").status == Comment.Status.REJECTED


def test_only_approved_comments_appear_on_the_post_page_and_in_its_count(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(1, "Approved words.", approved="1"),
                    comment(2, "Held words.", approved="0"),
                    comment(3, "Spam words.", approved="spam"),
                    comment(4, "Binned words.", approved="trash"),
                ],
            )
        )
    )
    page = client.get(the_post().get_absolute_url()).text
    assert "Approved words." in page
    for hidden in ("Held words.", "Spam words.", "Binned words."):
        assert hidden not in page
    assert "1 Comment" in page
    assert the_post().discussion.approved_count == 1


def test_a_held_comment_waits_in_the_moderation_queue_with_the_reason(import_wxr):
    import_wxr(export(post(1, comments=[comment(2, "Held words.", approved="0")])))
    held = Comment.objects.pending().get()
    assert held.flags == ["Imported from WordPress, where it was held for moderation"]


def test_imported_decisions_are_in_the_moderation_log(import_wxr):
    import_wxr(
        export(
            post(1, comments=[comment(1, "Approved words."), comment(2, "No.", approved="trash")])
        )
    )
    actions = sorted(ModerationDecision.objects.values_list("action", flat=True))
    assert actions == ["approve", "reject"]


def test_replies_keep_their_thread_and_a_reply_to_a_reply_joins_it(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(1, "Opening remark."),
                    comment(2, "A reply.", parent=1),
                    comment(3, "A reply to the reply.", parent=2),
                ],
            )
        )
    )
    opening = by_text("Opening")
    assert by_text("A reply.").parent == opening
    assert by_text("A reply to the reply.").parent == opening
    page = client.get(the_post().get_absolute_url()).text
    assert page.index("Opening remark.") < page.index("A reply.") < page.index("A reply to the")


def test_a_reply_whose_parent_is_missing_starts_its_own_thread_with_a_warning(import_wxr):
    summary = import_wxr(export(post(1, comments=[comment(7, "Orphaned reply.", parent=99)])))
    assert by_text("Orphaned").parent is None
    assert "replies to comment 99, which is not in the export" in summary


def test_pingbacks_and_trackbacks_are_skipped_and_counted(import_wxr):
    summary = import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(1, "Real comment."),
                    comment(2, "Linked from elsewhere", type="pingback"),
                    comment(3, "Tracked back", type="trackback"),
                ],
            )
        )
    )
    assert Comment.objects.count() == 1
    assert "1 skipped: pingback" in summary
    assert "1 skipped: trackback" in summary


def test_the_commenters_address_is_kept_only_as_the_salted_hash_new_comments_get(import_wxr):
    import_wxr(export(post(1, comments=[comment(1, ip="198.51.100.23")])))
    stored = Comment.objects.get()
    assert stored.ip_hash == hash_ip("198.51.100.23")
    stored_values = " ".join(str(value) for value in Comment.objects.values().get().values())
    assert "198.51.100.23" not in stored_values


def test_comment_markup_becomes_plain_text_with_link_addresses_and_dates_are_kept(import_wxr):
    import_wxr(
        export(
            post(
                1,
                comments=[
                    comment(
                        1,
                        'See <a href="https://example.org/report">the report</a>.<br>'
                        "<script>alert(1)</script>Thanks",
                        date_gmt="2020-01-02 03:04:05",
                    )
                ],
            )
        )
    )
    stored = Comment.objects.get()
    assert stored.body == "See the report (https://example.org/report).\nThanks"
    assert "<script" not in stored.body_html
    assert stored.created_at.isoformat() == "2020-01-02T03:04:05+00:00"


def test_comments_on_pages_are_counted_as_skipped(import_wxr):
    summary = import_wxr(export(post(1, "About", type="page", comments=[comment(1)])))
    assert Comment.objects.count() == 0
    assert "1 skipped: on a page (pages have no discussion)" in summary
