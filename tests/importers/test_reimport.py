"""Importing again creates nothing new, updates what changed in WordPress, and --dry-run writes
nothing."""

from masthead.discussion.models import Comment
from masthead.importers.models import ImportedPost
from masthead.publishing.models import Post
from tests.importers.conftest import database_state
from tests.importers.wxr_builder import comment, export, post

ARCHIVE = export(
    post(1, "First Post", comments=[comment(1), comment(2, "Held.", approved="0")],
         categories=[("energy", "Energy")]),
    post(2, "Second Post"),
)  # fmt: skip


def test_importing_the_same_file_again_creates_nothing_new(import_wxr):
    import_wxr(ARCHIVE)
    before = database_state()
    summary = import_wxr(ARCHIVE)
    assert database_state() == before
    assert "posts: 2 unchanged" in summary
    assert "comments: 2 unchanged" in summary
    assert "created" not in summary


def test_a_post_changed_in_wordpress_is_updated_in_place(import_wxr, client):
    import_wxr(ARCHIVE)
    first = ImportedPost.objects.get(wordpress_id=1).post
    changed = ARCHIVE.replace("Transmission is the bottleneck.", "Storage is the bottleneck.", 1)
    summary = import_wxr(changed)
    again = ImportedPost.objects.get(wordpress_id=1).post
    assert again.pk == first.pk and again.slug == first.slug
    assert "Storage is the bottleneck." in again.body_html
    assert Post.objects.count() == 2
    assert "posts: 1 updated, 1 unchanged" in summary
    assert "Storage is the bottleneck." in client.get(again.get_absolute_url()).text


def test_a_post_edited_here_since_the_import_is_left_as_the_editor_made_it(import_wxr):
    import_wxr(ARCHIVE)
    edited = ImportedPost.objects.get(wordpress_id=1).post
    edited.body = "The editor's own words."
    edited.save()
    changed = ARCHIVE.replace("Transmission is the bottleneck.", "Storage is the bottleneck.", 1)
    summary = import_wxr(changed)
    edited.refresh_from_db()
    assert edited.body == "The editor's own words."
    assert "edited in Masthead since the last import; left as it is" in summary


def test_a_new_comment_in_wordpress_is_added_on_the_next_import(import_wxr):
    import_wxr(ARCHIVE)
    with_new_comment = ARCHIVE.replace(
        "</wp:comment>\n</item>", "</wp:comment>" + comment(3, "Late reply.") + "\n</item>", 1
    )
    summary = import_wxr(with_new_comment)
    assert Comment.objects.filter(body="Late reply.").exists()
    assert "comments: 1 created, 2 unchanged" in summary


def test_a_decision_made_here_is_not_undone_by_a_reimport(import_wxr):
    import_wxr(ARCHIVE)
    Comment.objects.get(body="Held.").reject()
    import_wxr(ARCHIVE)
    assert Comment.objects.get(body="Held.").status == Comment.Status.REJECTED


def test_a_dry_run_prints_the_same_summary_and_writes_nothing(import_wxr):
    before = database_state()
    rehearsal = import_wxr(ARCHIVE, "--dry-run")
    assert database_state() == before
    assert "Dry run of export-1.xml: nothing was written." in rehearsal
    performed = import_wxr(ARCHIVE)
    rehearsal_lines = [
        line
        for line in rehearsal.splitlines()
        if not line.startswith(("Dry", "importing", "checking"))
    ]
    performed_lines = [
        line
        for line in performed.splitlines()
        if not line.startswith(("Imported", "importing", "checking"))
    ]
    assert rehearsal_lines == performed_lines
    assert "posts: 2 created" in performed
