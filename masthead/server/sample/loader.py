"""Load the demo site's sample content: the institution, its blogs, authors, topics and posts.

Loading is idempotent. Every row is found by its natural key (a slug) and
created only when missing; a row that exists is left exactly as it is, because
an editor may have changed it in the admin and because re-saving a post bumps
its revision. Times are computed from "now" only when a post is created, so a
second run on a later day moves nothing. Pictures have fixed file names and
are drawn only when their file is missing.

The words are data beside this file: ``site.yaml`` (institution, blogs,
authors, topics) and one Markdown file with a YAML header per post under
``posts/<blog>/<slug>.md``. Every row goes through the model's own validation
(``full_clean``), the check an editor's save in the admin runs, so a sample
file that breaks an editorial rule stops the load with the file's name.
The pictures are drawn by ``images``.
"""

import dataclasses
import datetime
import re
from collections.abc import Callable
from pathlib import Path

import frontmatter
import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from masthead.changes import content_changed
from masthead.pages.models import Page
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor, Topic
from masthead.publishing.roles import EDITORS_GROUP, WRITERS_GROUP, ensure_editorial_groups
from masthead.server.sample import images as sample_images

SAMPLE_DIR = Path(__file__).resolve().parent


class SampleContentError(ValueError):
    """A sample file that cannot be loaded; the message names the file and the field."""


@dataclasses.dataclass(frozen=True)
class SampleBlog:
    slug: str
    name: str
    tagline: str
    description: str
    palette: str  # one of images.PALETTES


@dataclasses.dataclass(frozen=True)
class SampleAuthor:
    slug: str
    display_name: str
    role: str
    bio: str
    initials: str
    colour: tuple[int, int, int]
    given_name: str = ""
    family_name: str = ""
    is_institutional: bool = False
    orcid: str = ""


@dataclasses.dataclass(frozen=True)
class SampleTopic:
    slug: str
    name: str
    description: str


@dataclasses.dataclass(frozen=True)
class Picture:
    motif: str  # one of images.MOTIFS
    alt: str
    caption: str


@dataclasses.dataclass(frozen=True)
class Correction:
    note: str
    days_later: int
    # The corrected passage and how it read before: the demo publishes the post
    # as it first read, then corrects it, so the earlier version is kept too.
    corrected: str = ""
    originally: str = ""


@dataclasses.dataclass(frozen=True)
class SamplePost:
    blog: str
    slug: str
    title: str
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    summary: str
    body: str
    # Days before the first load; negative is in the future; None for a draft.
    days_ago: int | None
    hour: int = 9
    minute: int = 0
    status: str = "published"
    picture: Picture | None = None
    correction: Correction | None = None


@dataclasses.dataclass(frozen=True)
class SampleSite:
    institution: dict
    image_credit: str
    blogs: list[SampleBlog]
    authors: list[SampleAuthor]
    topics: list[SampleTopic]
    posts: list[SamplePost]


def _build(cls, data, where: str):
    """``cls(**data)``, with a message naming the file for a missing or unknown field."""
    if not isinstance(data, dict):
        raise SampleContentError(f"{where}: expected fields (name: value), found {data!r}.")
    names = {field.name for field in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise SampleContentError(f"{where}: unknown field(s) {', '.join(unknown)}.")
    try:
        return cls(**data)
    except TypeError as error:
        raise SampleContentError(f"{where}: {error}.") from None


TIME = re.compile(r"(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)")


def read_post(path: Path) -> SamplePost:
    """One post file: the header's fields, the body below it, blog and slug from the path."""
    where = f"{path.parent.name}/{path.name}"
    try:
        document = frontmatter.load(path)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SampleContentError(f"{where}: the header is not valid YAML ({error}).") from None
    meta = dict(document.metadata)
    time = meta.pop("time", "09:00")
    match = TIME.fullmatch(time) if isinstance(time, str) else None
    if match is None:
        raise SampleContentError(f"{where}: time must be quoted as 'HH:MM', found {time!r}.")
    if "picture" in meta:
        meta["picture"] = _build(Picture, meta["picture"], f"{where} picture")
    if "correction" in meta:
        meta["correction"] = _build(Correction, meta["correction"], f"{where} correction")
    meta["authors"] = tuple(meta.get("authors") or ())
    meta["topics"] = tuple(meta.get("topics") or ())
    meta.setdefault("days_ago", None)
    meta.setdefault("summary", "")
    fields = {
        **meta, "blog": path.parent.name, "slug": path.stem, "body": document.content,
        "hour": int(match["hour"]), "minute": int(match["minute"]),
    }  # fmt: skip
    return _build(SamplePost, fields, where)


def read_sample_site(folder: Path = SAMPLE_DIR) -> SampleSite:
    try:
        site = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SampleContentError(f"site.yaml is not valid YAML ({error}).") from None
    authors = []
    for index, data in enumerate(site.get("authors", [])):
        data = {**data, "colour": tuple(data.get("colour", ()))}
        authors.append(_build(SampleAuthor, data, f"site.yaml author {index + 1}"))
    return SampleSite(
        institution=site["institution"],
        image_credit=site.get("image_credit", ""),
        blogs=[_build(SampleBlog, b, "site.yaml blog") for b in site.get("blogs", [])],
        authors=authors,
        topics=[_build(SampleTopic, t, "site.yaml topic") for t in site.get("topics", [])],
        posts=[read_post(path) for path in sorted((folder / "posts").glob("*/*.md"))],
    )


DEMO_LOGINS = {
    "admin": ("admin", "masthead-demo"),
    # The review workflow, tried from both sides: the writer writes as Ingrid.
    "editor": ("editor", "masthead-editor"),
    "writer": ("writer", "masthead-writer"),
}
DEMO_WRITER_AUTHOR = "ingrid-van-der-linde"


def load_sample_content(folder: Path = SAMPLE_DIR) -> str:
    """Create whatever sample content is missing; return a one-line summary."""
    sample = read_sample_site(folder)
    with transaction.atomic():
        created = _load(sample, now=timezone.localtime())
        created += load_sample_pages(folder / "pages")
    public = Post.objects.public().count()
    # Drafts here are every post not yet on its way out: draft, in review or approved.
    drafts = Post.objects.exclude(status__in=Post.GOING_PUBLIC).count()
    upcoming = Post.objects.filter(status__in=Post.GOING_PUBLIC).count() - public
    return (
        f"Sample content: {Blog.objects.count()} blogs, {Author.objects.count()} authors, "
        f"{Topic.objects.count()} topics, {public} public posts, {drafts} drafts, "
        f"{upcoming} scheduled, {Page.objects.public().count()} standing pages "
        f"({created} new items this run)."
    )


def load_sample_pages(folder: Path) -> int:
    """The standing pages (pages/<slug>.md, a YAML header and Markdown), parents first.

    A page found by its address is left as it is (an editor may have changed it).
    """
    created = 0
    specs = []
    for path in sorted(folder.glob("*.md")):
        try:
            specs.append((path, frontmatter.loads(path.read_text(encoding="utf-8"))))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise SampleContentError(f"pages/{path.name}: {error}") from None
    specs.sort(key=lambda entry: bool(entry[1].get("parent")))
    for path, spec in specs:
        parent_path = spec.get("parent") or ""
        address = f"{parent_path}/{spec['slug']}" if parent_path else spec["slug"]
        if Page.objects.filter(path=address).exists():
            continue
        try:
            _create(
                Page,
                title=spec["title"], slug=spec["slug"], body=spec.content,
                parent=Page.objects.get(path=parent_path) if parent_path else None,
                status=Page.Status.PUBLISHED, role=spec.get("role", ""),
                menu_label=spec.get("menu_label", ""),
                in_header_menu="header_position" in spec,
                header_position=spec.get("header_position", 0),
                in_footer_menu="footer_position" in spec,
                footer_position=spec.get("footer_position", 0),
            )  # fmt: skip
        except (ValidationError, KeyError, Page.DoesNotExist) as error:
            raise SampleContentError(f"pages/{path.name}: {error}") from None
        created += 1
    return created


def _load(sample: SampleSite, now: datetime.datetime) -> int:
    created = 0
    if not Institution.objects.exists():
        _create(Institution, **sample.institution)
        created += 1

    blogs = {}
    for position, spec in enumerate(sample.blogs):
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
    for spec in sample.authors:
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
                photo=_picture(f"{spec.slug}.png", draw_photo),
            )
            created += 1
        elif _lost(author.photo):  # the media folder may have been cleared
            author.photo = _picture(f"{spec.slug}.png", draw_photo)
            author.save()
        authors[spec.slug] = author

    topics = {}
    for spec in sample.topics:
        topics[spec.slug], was_created = _get_or_create(
            Topic, slug=spec.slug, name=spec.name, description=spec.description
        )
        created += was_created

    palettes = {spec.slug: spec.palette for spec in sample.blogs}
    for spec in sample.posts:
        try:
            created += _create_post_if_missing(spec, sample, blogs, authors, topics, palettes, now)
        except ValidationError as error:
            raise SampleContentError(f"posts/{spec.blog}/{spec.slug}.md: {error}") from None
        except KeyError as error:
            raise SampleContentError(
                f"posts/{spec.blog}/{spec.slug}.md: {error} is not in site.yaml."
            ) from None

    created += _ensure_admin_login()
    created += _ensure_desk_logins()
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


def _picture(name: str, draw: Callable[[], bytes]) -> ContentFile:
    """A drawn picture as an upload: the model's save cleans and stores it like any other."""
    return ContentFile(draw(), name=name)


def _lost(field_file) -> bool:
    """A picture a row names whose file is gone (a deleted media folder): drawn again."""
    return bool(field_file) and not default_storage.exists(field_file.name)


def _create_post_if_missing(spec, sample, blogs, authors, topics, palettes, now) -> int:
    if not spec.authors:
        raise ValidationError("a post needs at least one author in its byline.")
    blog = blogs[spec.blog]
    existing = Post.objects.filter(blog=blog, slug=spec.slug).first()
    if existing is not None:
        # Left as it is; only a picture file lost with the media folder comes back.
        if spec.picture and _lost(existing.featured_image):
            existing.featured_image = _picture(
                f"{spec.slug}.jpg", lambda: _draw_feature(spec, palettes)
            )
            existing.save()
        return 0

    fields = {}
    if spec.picture:
        fields = {
            "featured_image": _picture(f"{spec.slug}.jpg", lambda: _draw_feature(spec, palettes)),
            "image_alt": spec.picture.alt,
            "image_caption": spec.picture.caption,
            "image_credit": sample.image_credit,
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
    content_changed()  # bulk_create sends no signal
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


def _ensure_desk_logins() -> int:
    """A writer (linked to one sample author) and an editor, each in their group, once."""
    groups = ensure_editorial_groups()
    created = 0
    user_model = get_user_model()
    for role, group in (("editor", EDITORS_GROUP), ("writer", WRITERS_GROUP)):
        username, password = DEMO_LOGINS[role]
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model.objects.create_user(
                username, f"{username}@harbour.example.org", password, is_staff=True
            )
            user.groups.add(groups[group])
            created += 1
        if role == "writer":
            Author.objects.filter(slug=DEMO_WRITER_AUTHOR, user__isnull=True).update(user=user)
    return created
