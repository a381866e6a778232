"""Load the demo site's sample content: the institution, its blogs, authors, topics and posts.

Loading is idempotent. Every row is found by its natural key (a slug) and
created only when missing; a row that exists is left exactly as it is, because
an editor may have changed it in the admin and because re-saving a post bumps
its revision. Times are computed from "now" only when a post is created, so a
second run on a later day moves nothing. Pictures have fixed file names and
are drawn only when their file is missing.

The words live in ``sample_posts``; the pictures are drawn by ``sample_images``.
"""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from masthead.publishing import sample_images
from masthead.publishing import sample_posts as sample
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic

DEMO_LOGINS = {"admin": ("admin", "masthead-demo")}


def load_sample_content() -> str:
    """Create whatever sample content is missing; return a one-line summary."""
    with transaction.atomic():
        created = _load(now=timezone.localtime())
    public = Post.objects.public().count()
    drafts = Post.objects.filter(status=Post.Status.DRAFT).count()
    upcoming = Post.objects.exclude(status=Post.Status.DRAFT).count() - public
    return (
        f"Sample content: {Blog.objects.count()} blogs, {Author.objects.count()} authors, "
        f"{Topic.objects.count()} topics, {public} public posts, {drafts} drafts, "
        f"{upcoming} scheduled ({created} new items this run)."
    )


def _load(now: datetime.datetime) -> int:
    created = 0
    if not Institution.objects.exists():
        _create(Institution, **sample.INSTITUTION)
        created += 1

    blogs = {}
    for position, spec in enumerate(sample.BLOGS):
        blogs[spec.slug], was_created = _get_or_create(
            Blog,
            slug=spec.slug,
            name=spec.name,
            tagline=spec.tagline,
            description=spec.description,
            position=position,
        )
        created += was_created

    authors = {}
    for spec in sample.AUTHORS:
        photo_name = f"authors/sample/{spec.slug}.png"
        draw_photo = lambda spec=spec: sample_images.portrait(spec.initials, spec.colour)  # noqa: E731
        author = Author.objects.filter(slug=spec.slug).first()
        if author is None:
            author = _create(
                Author,
                slug=spec.slug,
                display_name=spec.display_name,
                given_name=spec.given_name,
                family_name=spec.family_name,
                is_institutional=spec.is_institutional,
                role=spec.role,
                bio=spec.bio,
                orcid=spec.orcid,
                photo=_ensure_picture(photo_name, draw_photo),
            )
            created += 1
        elif author.photo.name == photo_name:
            _ensure_picture(photo_name, draw_photo)  # the media folder may have been cleared
        authors[spec.slug] = author

    topics = {}
    for spec in sample.TOPICS:
        topics[spec.slug], was_created = _get_or_create(
            Topic, slug=spec.slug, name=spec.name, description=spec.description
        )
        created += was_created

    palettes = {spec.slug: spec.palette for spec in sample.BLOGS}
    for spec in sample.POSTS:
        created += _create_post_if_missing(spec, blogs, authors, topics, palettes, now)

    created += _ensure_admin_login()
    return created


def _create(model, **fields):
    """Create a row after the model's own validation: the sample obeys the editors' rules."""
    row = model(**fields)
    row.full_clean()
    row.save()
    return row


def _get_or_create(model, *, slug: str, **fields) -> tuple:
    row = model.objects.filter(slug=slug).first()
    if row is not None:
        return row, False
    return _create(model, slug=slug, **fields), True


def _ensure_picture(name: str, draw: Callable[[], bytes]) -> str:
    """Draw the picture at ``name`` unless the file is already there.

    Files keep fixed names, so a second run finds them instead of adding
    "_a1b2c3" copies; a deleted media folder is simply drawn again.
    """
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(draw()))
    return name


def _create_post_if_missing(spec, blogs, authors, topics, palettes, now) -> int:
    blog = blogs[spec.blog]
    image_name = f"posts/sample/{spec.slug}.jpg" if spec.picture else ""
    existing = Post.objects.filter(blog=blog, slug=spec.slug).first()
    if existing is not None:
        # Left as it is; only a picture file lost with the media folder comes back.
        if image_name and existing.featured_image.name == image_name:
            _ensure_picture(image_name, lambda: _draw_feature(spec, palettes))
        return 0

    fields = {}
    if spec.picture:
        fields = {
            "featured_image": _ensure_picture(image_name, lambda: _draw_feature(spec, palettes)),
            "image_alt": spec.picture.alt,
            "image_caption": spec.picture.caption,
            "image_credit": sample.IMAGE_CREDIT,
        }
    publish_at = None
    if spec.days_ago is not None:
        day = now - datetime.timedelta(days=spec.days_ago)
        publish_at = day.replace(hour=spec.hour, minute=spec.minute, second=0, microsecond=0)
    body = spec.body.strip()
    correction = spec.correction
    if correction and correction.corrected:
        # Published first as it originally read; corrected below, like an editor would.
        body = body.replace(correction.corrected, correction.originally)
    elif correction:
        fields["correction_note"] = correction.note
        fields["updated_at"] = _correction_time(publish_at, correction)
    post = _create(
        Post,
        blog=blog,
        slug=spec.slug,
        title=spec.title,
        status=spec.status,
        publish_at=publish_at,
        summary=spec.summary,
        body=body,
        **fields,
    )
    PostAuthor.objects.bulk_create(
        PostAuthor(post=post, author=authors[slug], position=position)
        for position, slug in enumerate(spec.authors)
    )
    post.topics.set([topics[slug] for slug in spec.topics])
    if correction and correction.corrected:
        # The substantive update keeps the text it replaces as version 1.
        post.body = spec.body.strip()
        post.correction_note = correction.note
        post.updated_at = _correction_time(publish_at, correction)
        post.full_clean()
        post.save()
    return 1


def _correction_time(publish_at, correction) -> datetime.datetime:
    return publish_at + datetime.timedelta(days=correction.days_later, hours=3)


def _draw_feature(spec, palettes) -> bytes:
    return sample_images.feature_image(spec.picture.motif, palettes[spec.blog], seed=spec.slug)


def _ensure_admin_login() -> int:
    """The demo's admin can always sign in; the row is only written when that needs it."""
    username, password = DEMO_LOGINS["admin"]
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user_model.objects.create_superuser(username, "admin@harbour.example.org", password)
        return 1
    if not (
        user.is_active and user.is_staff and user.is_superuser and user.check_password(password)
    ):
        user.is_active = user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
    return 0
