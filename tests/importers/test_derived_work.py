"""What derives from imported posts is there once the import ends, done once per batch."""

from django_tasks.backends.database.models import DBTaskResult

from masthead.citations.models import FormattedCitation
from masthead.citations.tasks import reformat_posts
from masthead.importers.models import ImportedPost
from tests.importers.wxr_builder import export, post

TWO_POSTS = export(
    post(1, "Why the Grid Needs Lines", content="<p>Interconnectors across the border.</p>"),
    post(2, "Storage in Winter", content="<p>Batteries will not last a cold week.</p>"),
)


def queued_formatting():
    return DBTaskResult.objects.filter(task_path__endswith="reformat_posts")


def test_imported_posts_are_found_by_search_as_soon_as_the_import_ends(import_wxr, client):
    import_wxr(TWO_POSTS)
    page = client.get("/search/", {"q": "interconnectors"}).text
    assert "Why the Grid Needs Lines" in page
    assert "Storage in Winter" not in page


def test_an_import_leaves_the_citations_to_the_worker_which_formats_every_imported_post(
    import_wxr,
):
    import_wxr(TWO_POSTS)
    post_ids = sorted(ImportedPost.objects.values_list("post_id", flat=True))
    # Nothing was formatted during the import; one queued task names both posts.
    assert not FormattedCitation.objects.exists()
    [task] = queued_formatting()
    assert task.args_kwargs["args"] == [post_ids]
    reformat_posts.call(*task.args_kwargs["args"])
    formatted = set(FormattedCitation.objects.values_list("post_id", flat=True))
    assert formatted == set(post_ids)


def test_a_dry_run_queues_no_formatting(import_wxr):
    import_wxr(TWO_POSTS, "--dry-run")
    assert not queued_formatting().exists()


def test_importing_the_same_file_again_queues_nothing_new(import_wxr):
    import_wxr(TWO_POSTS)
    import_wxr(TWO_POSTS)
    assert queued_formatting().count() == 1
