"""Editors confirm the APA sentence-case title on the post's admin page."""

from masthead.citations.models import SentenceCaseTitle


def admin_form_data(post, **extra):
    data = {
        "blog": post.blog.pk,
        "title": post.title,
        "slug": post.slug,
        "summary": post.summary,
        "body": post.body,
        "status": post.status,
        "publish_at_0": post.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": post.publish_at.strftime("%H:%M:%S"),
        "comments_open": "on",
        "bylines-TOTAL_FORMS": "2",
        "bylines-INITIAL_FORMS": "2",
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        "sentence_case_title-TOTAL_FORMS": "1",
        "sentence_case_title-INITIAL_FORMS": "0",
        "sentence_case_title-MIN_NUM_FORMS": "0",
        "sentence_case_title-MAX_NUM_FORMS": "1",
        "body_images-TOTAL_FORMS": "0",
        "body_images-INITIAL_FORMS": "0",
        "body_images-MIN_NUM_FORMS": "0",
        "body_images-MAX_NUM_FORMS": "1000",
    }
    for index, link in enumerate(post.bylines.order_by("position")):
        data[f"bylines-{index}-id"] = link.pk
        data[f"bylines-{index}-post"] = post.pk
        data[f"bylines-{index}-position"] = link.position
        data[f"bylines-{index}-author"] = link.author_id
    data.update(extra)
    return data


def test_the_post_admin_suggests_a_sentence_case_title(editor_client, published_post):
    page = editor_client.get(f"/admin/publishing/post/{published_post.pk}/change/")
    assert page.status_code == 200
    assert 'value="Batteries will not save the grid alone"' in page.content.decode()
    assert 'name="sentence_case_title-0-confirmed"' in page.content.decode()


def test_an_editor_confirms_the_sentence_case_title(editor_client, published_post):
    url = f"/admin/publishing/post/{published_post.pk}/change/"
    data = admin_form_data(
        published_post,
        **{
            "sentence_case_title-0-title": "Batteries will not save the grid alone",
            "sentence_case_title-0-confirmed": "on",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = SentenceCaseTitle.objects.get(post=published_post)
    assert record.confirmed
    assert record.for_title == "Batteries Will Not Save the Grid Alone"


def test_an_untouched_suggestion_is_not_saved(editor_client, published_post):
    url = f"/admin/publishing/post/{published_post.pk}/change/"
    data = admin_form_data(
        published_post, **{"sentence_case_title-0-title": "Batteries will not save the grid alone"}
    )
    assert editor_client.post(url, data).status_code == 302
    assert not SentenceCaseTitle.objects.filter(post=published_post).exists()
