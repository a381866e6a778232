"""What becomes of a WordPress post: status, dates, byline, topics, summary and blog."""

import datetime

from django.utils import timezone

from masthead.importers.models import ImportedPost
from masthead.publishing.models import Author, Blog, Post, Topic
from tests.importers.wxr_builder import author, export, post


def imported(wordpress_id: int) -> Post:
    return ImportedPost.objects.get(wordpress_id=wordpress_id).post


def test_a_published_post_is_public_with_its_title_and_body(import_wxr, client):
    import_wxr(export(post(1, "Why the Grid Needs Lines")))
    post_here = imported(1)
    assert post_here.status == Post.Status.PUBLISHED
    page = client.get(post_here.get_absolute_url())
    assert page.status_code == 200
    assert "Why the Grid Needs Lines" in page.text
    assert "Transmission is the bottleneck." in page.text


def test_each_wordpress_status_maps_to_one_that_keeps_unpublished_posts_hidden(import_wxr, client):
    future = (timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")
    summary = import_wxr(
        export(
            post(1, "Published"),
            post(2, "Scheduled", status="future", date=future, date_gmt=future),
            post(3, "Draft", status="draft", date_gmt="0000-00-00 00:00:00"),
            post(4, "Pending Review", status="pending"),
            post(5, "Private Notes", status="private"),
            post(6, "Members Only", password="secret"),
            post(7, "Thrown Away", status="trash"),
        )
    )
    assert imported(1).status == Post.Status.PUBLISHED
    assert imported(2).status == Post.Status.SCHEDULED
    for hidden in (3, 4, 5, 6):
        assert imported(hidden).status == Post.Status.DRAFT
    assert not ImportedPost.objects.filter(wordpress_id=7).exists()
    assert [p.title for p in Post.objects.public()] == ["Published"]
    for hidden in (2, 3, 4, 5, 6):
        assert client.get(imported(hidden).get_absolute_url()).status_code == 404
    assert "kept as a draft: password-protected in WordPress" in summary
    assert "kept as a draft: private in WordPress" in summary
    assert "skipped: in WordPress's trash" in summary


def test_the_gmt_date_is_the_moment_of_publication(import_wxr):
    import_wxr(export(post(1, date="2021-03-04 11:30:00", date_gmt="2021-03-04 09:30:00")))
    assert imported(1).publish_at == datetime.datetime(2021, 3, 4, 9, 30, tzinfo=datetime.UTC)


def test_without_a_gmt_date_the_local_date_is_read_in_the_sites_time_zone(import_wxr, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    import_wxr(export(post(1, date="2021-07-01 12:00:00", date_gmt="0000-00-00 00:00:00")))
    assert imported(1).publish_at == datetime.datetime(2021, 7, 1, 10, 0, tzinfo=datetime.UTC)


def test_authors_keep_their_given_and_family_names_and_the_post_its_byline(import_wxr):
    import_wxr(
        export(
            post(1, creator="ada"),
            authors=[author("ada", "Dr Ada Okafor", "Ada", "Okafor")],
        )
    )
    ada = imported(1).byline[0]
    assert (ada.display_name, ada.given_name, ada.family_name) == ("Dr Ada Okafor", "Ada", "Okafor")


def test_a_display_name_is_split_with_particles_kept_in_the_family_name(import_wxr):
    import_wxr(
        export(
            post(1, "One", creator="ben"),
            post(2, "Two", creator="maria"),
            post(3, "Three", creator="solo"),
            authors=[
                author("ben", "Ben van der Berg"),
                author("maria", "Maria de la Cruz Ortega"),
                author("solo", "Plato"),
            ],
        )
    )
    names = {a.display_name: (a.given_name, a.family_name) for a in Author.objects.all()}
    assert names["Ben van der Berg"] == ("Ben", "van der Berg")
    assert names["Maria de la Cruz Ortega"] == ("Maria", "de la Cruz Ortega")
    assert names["Plato"] == ("", "Plato")


def test_a_reimport_finds_the_author_by_login_even_if_the_name_changed(import_wxr):
    import_wxr(export(post(1, "One"), authors=[author("ada", "Ada Okafor")]))
    import_wxr(export(post(2, "Two"), authors=[author("ada", "Ada Okafor-Lewis")]))
    assert Author.objects.count() == 1
    assert imported(2).byline == imported(1).byline


def test_an_unknown_author_is_a_warning_and_becomes_an_author_named_by_the_login(import_wxr):
    summary = import_wxr(export(post(1, creator="ghostwriter")))
    assert "warnings: 1" in summary
    assert "“ghostwriter”, who is not among the export's authors" in summary
    assert imported(1).byline[0].display_name == "ghostwriter"


def test_categories_and_tags_become_topics_except_uncategorized(import_wxr, client):
    import_wxr(
        export(
            post(
                1,
                categories=[("energy-policy", "Energy Policy"), ("uncategorized", "Uncategorized")],
                tags=[("grid", "Grid")],
            )
        )
    )
    assert sorted(t.name for t in imported(1).topics.all()) == ["Energy Policy", "Grid"]
    assert not Topic.objects.filter(slug="uncategorized").exists()
    assert client.get("/topics/energy-policy/").status_code == 200


def test_an_existing_topic_of_the_same_name_is_reused(import_wxr, topic):
    import_wxr(export(post(1, tags=[("storage", "Grid Storage")])))
    assert list(imported(1).topics.all()) == [topic]
    assert Topic.objects.count() == 1


def test_the_excerpt_becomes_the_summary(import_wxr):
    import_wxr(export(post(1, excerpt="<p>Lines, not <em>batteries</em>.</p>")))
    assert imported(1).summary == "Lines, not batteries."


def test_without_an_excerpt_the_text_before_more_is_the_summary_and_the_body_is_whole(
    import_wxr,
):
    import_wxr(export(post(1, content="<p>The short version.</p><!--more--><p>The long one.</p>")))
    imported_post = imported(1)
    assert imported_post.summary == "The short version."
    assert "The short version." in imported_post.body_html
    assert "The long one." in imported_post.body_html
    assert "more" not in imported_post.body


def test_posts_go_to_a_blog_named_after_the_export_unless_one_is_chosen(import_wxr, blog):
    import_wxr(export(post(1, "One"), title="Energy Notes"))
    assert imported(1).blog.slug == "energy-notes"
    import_wxr(export(post(2, "Two", guid="two")), "--blog", "energy")
    assert imported(2).blog == blog


def test_with_blog_from_category_the_first_category_chooses_the_blog(import_wxr, blog):
    import_wxr(
        export(
            post(1, "One", categories=[("energy", "Energy"), ("policy", "Policy")]),
            post(2, "Two", categories=[("cities", "Cities")]),
        ),
        "--blog-from-category",
    )
    assert imported(1).blog == blog
    assert [t.slug for t in imported(1).topics.all()] == ["policy"]
    assert imported(2).blog.slug == "cities"
    assert Blog.objects.get(slug="cities").name == "Cities"


def test_a_non_ascii_slug_falls_back_to_a_readable_address(import_wxr, client):
    import_wxr(export(post(1, "Καλημέρα", slug="%ce%ba%ce%b1%ce%bb%ce%b7%ce%bc%ce%ad%cf%81%ce%b1")))
    imported_post = imported(1)
    assert imported_post.slug == "post-1"
    assert client.get(imported_post.get_absolute_url()).status_code == 200


def test_two_posts_with_the_same_slug_get_different_addresses(import_wxr):
    import_wxr(export(post(1, "Same", slug="same"), post(2, "Same", slug="same")))
    assert {imported(1).slug, imported(2).slug} == {"same", "same-2"}


def test_pages_and_menu_items_are_not_made_posts(import_wxr):
    summary = import_wxr(
        export(
            post(1, "Real Post"),
            post(2, "About Us", type="page"),
            post(3, "Home", type="nav_menu_item"),
        )
    )
    assert Post.objects.count() == 1
    assert "pages: 1 created" in summary  # as a standing page (tests/pages/test_import.py)
    assert "1 skipped: in no menu" in summary


def test_versions_and_both_namespace_spellings_read_the_same(import_wxr):
    for number, (version, scheme) in enumerate(
        [("1.0", "http"), ("1.1", "http"), ("1.2", "http"), ("1.2", "https")], start=1
    ):
        import_wxr(
            export(
                post(number, f"Post {number}", guid=f"g{number}"), version=version, scheme=scheme
            )
        )
    assert sorted(Post.objects.values_list("title", flat=True)) == [
        "Post 1", "Post 2", "Post 3", "Post 4",
    ]  # fmt: skip
