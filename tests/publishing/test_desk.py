"""Review before publication: writers submit, editors approve and publish, each step recorded."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from masthead.discussion.roles import ensure_moderators_group
from masthead.publishing.models import Post, PostTransition, PreviewLink
from tests.conftest import make_post

pytestmark = pytest.mark.django_db


def member_of(group_name, username, **fields):
    user = get_user_model().objects.create_user(
        username, f"{username}@harbour.example.org", "a long enough password", is_staff=True,
        **fields,
    )  # fmt: skip
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def writer(ada):
    user = member_of("Writers", "ada")
    ada.user = user
    ada.save()
    return user


@pytest.fixture
def other_writer(ben):
    user = member_of("Writers", "ben")
    ben.user = user
    ben.save()
    return user


@pytest.fixture
def desk_editor(db):
    return member_of("Editors", "ines")


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user(
        "mo", "mo@harbour.example.org", "a long enough password", is_staff=True
    )
    user.groups.add(ensure_moderators_group())
    return user


def test_the_migrations_make_the_writers_and_editors_groups_beside_the_moderators():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Writers", "Editors", "Moderators"} <= names
    editors = Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    assert {"review_post", "publish_post"} <= set(editors)
    writers = Group.objects.get(name="Writers").permissions.values_list("codename", flat=True)
    assert "submit_post" in writers and "publish_post" not in writers


def test_a_post_goes_from_draft_through_review_to_published_and_each_step_is_recorded(
    draft_post, writer, desk_editor
):
    draft_post.submit(by=writer)
    assert draft_post.status == Post.Status.IN_REVIEW and not draft_post.is_public
    draft_post.approve(by=desk_editor, note="Checked the figures.")
    assert draft_post.status == Post.Status.APPROVED
    assert draft_post not in Post.objects.public()
    draft_post.publish(by=desk_editor)
    assert draft_post in Post.objects.public()
    steps = list(draft_post.transitions.order_by("at", "pk"))
    assert [(s.from_status, s.to_status, s.by) for s in steps] == [
        ("draft", "in_review", writer),
        ("in_review", "approved", desk_editor),
        ("approved", "published", desk_editor),
    ]
    assert steps[1].note == "Checked the figures."
    assert all(abs(s.at - timezone.now()) < datetime.timedelta(minutes=1) for s in steps)


def test_an_approved_post_scheduled_for_later_appears_by_itself_at_its_time(
    draft_post, writer, desk_editor
):
    draft_post.submit(by=writer)
    draft_post.approve(by=desk_editor)
    when = timezone.now() + datetime.timedelta(hours=2)
    draft_post.publish(when, by=desk_editor)
    assert draft_post.status == Post.Status.SCHEDULED
    assert draft_post not in Post.objects.public()
    Post.objects.filter(pk=draft_post.pk).update(publish_at=timezone.now())
    assert draft_post in Post.objects.public()


def test_a_writer_cannot_approve_or_publish_even_their_own_post(draft_post, writer):
    draft_post.submit(by=writer)
    with pytest.raises(PermissionDenied):
        draft_post.approve(by=writer)
    with pytest.raises(PermissionDenied):
        draft_post.publish(by=writer)
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.IN_REVIEW


def test_a_writer_cannot_submit_someone_elses_post(draft_post, other_writer):
    with pytest.raises(PermissionDenied):
        draft_post.submit(by=other_writer)
    assert not PostTransition.objects.exists()


def test_an_editor_cannot_publish_a_post_nobody_approved(draft_post, desk_editor):
    with pytest.raises(ValidationError) as refusal:
        draft_post.publish(by=desk_editor)
    assert "draft cannot become published" in refusal.value.messages[0]
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.DRAFT and not PostTransition.objects.exists()


def test_an_editor_returns_a_post_to_its_writer_with_reasons(draft_post, writer, desk_editor):
    draft_post.submit(by=writer)
    draft_post.return_to_writer(by=desk_editor, note="Source for the second chart?")
    assert draft_post.status == Post.Status.DRAFT
    assert draft_post.transitions.latest().note == "Source for the second chart?"


def test_a_withdrawn_post_leaves_the_site(published_post, desk_editor):
    published_post.withdraw(by=desk_editor)
    assert published_post not in Post.objects.public()


# --- who reads drafts -------------------------------------------------------------


def test_a_moderator_cannot_open_a_draft_at_its_public_address_or_its_preview(
    client, moderator, draft_post
):
    client.force_login(moderator)
    assert client.get(draft_post.get_absolute_url()).status_code == 404
    assert client.get(f"/preview/{draft_post.pk}/").status_code == 403


def test_even_an_editor_gets_404_for_a_draft_at_its_public_address(client, desk_editor, draft_post):
    client.force_login(desk_editor)
    assert client.get(draft_post.get_absolute_url()).status_code == 404


def test_an_editor_previews_a_draft_at_its_own_address_uncached_and_unindexed(
    client, desk_editor, draft_post
):
    client.force_login(desk_editor)
    response = client.get(f"/preview/{draft_post.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert draft_post.title in html and "Preview: this post is draft" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_a_writer_previews_their_own_draft_but_not_a_colleagues(
    client, writer, other_writer, draft_post
):
    client.force_login(writer)
    assert client.get(f"/preview/{draft_post.pk}/").status_code == 200
    client.force_login(other_writer)
    assert client.get(f"/preview/{draft_post.pk}/").status_code == 403


def test_a_visitor_without_an_account_is_sent_to_sign_in_from_a_preview(client, draft_post):
    response = client.get(f"/preview/{draft_post.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_public_post_page_is_the_same_for_everyone_and_does_not_vary_on_cookies(
    client, published_post, desk_editor
):
    anonymous = client.get(published_post.get_absolute_url())
    client.force_login(desk_editor)
    signed_in = client.get(published_post.get_absolute_url())
    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert "cookie" not in response.get("Vary", "").lower()


# --- preview links for reviewers without an account ----------------------------------


def test_a_preview_link_shows_the_draft_to_anyone_until_it_is_revoked(
    client, desk_editor, draft_post
):
    link = PreviewLink.issue(draft_post, desk_editor)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert draft_post.title in response.content.decode()
    # Nothing to post to yet: a draft takes no comments.
    assert "Post a Comment" not in response.content.decode()
    assert "Comments open when the post is published." in response.content.decode()
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    link.revoke()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_a_preview_link_stops_working_when_it_expires(client, desk_editor, draft_post):
    link = PreviewLink.issue(draft_post, desk_editor, days=1)
    PreviewLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(link.get_absolute_url()).status_code == 404


def test_a_tampered_preview_link_answers_404(client, desk_editor, draft_post, scheduled_post):
    link = PreviewLink.issue(draft_post, desk_editor)
    other = PreviewLink.issue(scheduled_post, desk_editor)
    # The other link's payload under this link's signature.
    forged = other.token.rsplit(":", 1)[0] + ":" + link.token.rsplit(":", 1)[1]
    assert forged != other.token
    assert client.get(f"/preview/link/{forged}/").status_code == 404
    assert client.get("/preview/link/not-a-token/").status_code == 404


def test_a_moderator_cannot_make_a_preview_link(moderator, draft_post):
    with pytest.raises(PermissionDenied):
        PreviewLink.issue(draft_post, moderator)


# --- the admin ------------------------------------------------------------------------


def test_a_writer_sees_only_their_own_posts_in_the_admin(
    client, writer, draft_post, blog, ben, published_post
):
    theirs_not = make_post(blog, [ben], title="Ben's Own Draft", slug="bens", status="draft")
    client.force_login(writer)
    html = client.get("/admin/publishing/post/").content.decode()
    assert draft_post.title in html
    assert theirs_not.title not in html
    assert client.get(f"/admin/publishing/post/{theirs_not.pk}/change/").status_code == 302


def test_the_desk_buttons_move_a_post_and_tell_who_did_it(client, writer, desk_editor, draft_post):
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    client.force_login(writer)
    page = client.get(url).content.decode()
    assert 'value="submit"' in page and 'value="approve"' not in page
    form_data = change_form_data(client, url)
    response = client.post(url, {**form_data, "_desk": "submit"}, follow=True)
    assert "is now in review" in response.content.decode()
    client.force_login(desk_editor)
    response = client.post(url, {**change_form_data(client, url), "_desk": "approve"}, follow=True)
    assert "is now approved" in response.content.decode()
    draft_post.refresh_from_db()
    assert draft_post.status == Post.Status.APPROVED
    history = client.get(url).content.decode()
    assert "In review → Approved by ines" in history


def test_a_writer_cannot_change_their_post_once_it_is_in_review(client, writer, draft_post):
    draft_post.submit(by=writer)
    client.force_login(writer)
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()


def test_an_editor_makes_a_preview_link_from_the_post_form(client, desk_editor, draft_post):
    client.force_login(desk_editor)
    url = f"/admin/publishing/post/{draft_post.pk}/change/"
    response = client.post(
        url, {**change_form_data(client, url), "_desk": "preview_link"}, follow=True
    )
    link = PreviewLink.objects.get(post=draft_post)
    assert link.get_absolute_url() in response.content.decode()
    assert client.get(link.get_absolute_url()).status_code == 200
    data = {**change_form_data(client, url), "_desk": f"revoke:{link.pk}"}
    response = client.post(url, data, follow=True)
    assert "The preview link is revoked" in response.content.decode()
    assert client.get(link.get_absolute_url()).status_code == 404


def change_form_data(client, url):
    """What the browser would send back from the change form, unchanged."""
    response = client.get(url)
    data = {}
    adminform = response.context["adminform"].form
    for name, field in adminform.fields.items():
        value = adminform.initial.get(name, field.initial)
        if value is None or name in {"featured_image"}:
            continue
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.strftime("%Y-%m-%d"),
                local.strftime("%H:%M:%S"),
            )
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    formsets = response.context.get("inline_admin_formsets") or []
    for formset in formsets:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        # Only the rows already there; the browser sends the empty extra rows unchanged.
        data[f"{management.prefix}-TOTAL_FORMS"] = management.initial["INITIAL_FORMS"]
        for form in formset.formset.initial_forms:
            data[f"{form.prefix}-id"] = form.instance.pk
            for name in form.fields:
                value = form.initial.get(name)
                if value is not None:
                    data[f"{form.prefix}-{name}"] = getattr(value, "pk", value)
    return data


def test_a_writers_new_post_carries_their_own_name_only_and_stays_a_draft(
    client, writer, blog, ben
):
    client.force_login(writer)
    data = {
        "blog": blog.pk, "title": "Ports and Prices", "slug": "ports-and-prices",
        "summary": "", "body": "Text.", "comments_open": "on",
        "image_alt": "", "image_caption": "", "image_credit": "",
        "bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "1", "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-position": "0", "bylines-0-author": str(ben.pk),
        # A writer's form has no status field and no byline: forged ones change nothing
        # (a colleague first in the byline could edit the post, and would be cited first).
        "status": "published",
    }  # fmt: skip
    response = client.post("/admin/publishing/post/add/", data)
    assert response.status_code == 302
    post = Post.objects.with_byline().get(slug="ports-and-prices")
    assert post.status == Post.Status.DRAFT
    assert [author.slug for author in post.byline] == ["ada-okafor"]
    assert post.title in client.get("/admin/publishing/post/").content.decode()
