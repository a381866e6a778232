"""The posts and what they are written in: the institution, blogs, authors, topics,
posts with their bylines and published versions, and the fragment version row."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from masthead.publishing import media
from masthead.publishing.automatic_summary import summary_from_body
from masthead.publishing.identifiers import OrcidField, RorField
from masthead.publishing.images import BODY_IMAGE_SIZES, prepare_body_image
from masthead.publishing.models.desk import PostStatus, PostWorkflow
from masthead.publishing.rendering import IMAGE_REFERENCE_IN_TEXT, BodyImageView, render_markdown

# Top-level URL names a blog slug may not take (DESIGN.md §3).
RESERVED_BLOG_SLUGS = frozenset(
    {
        "admin", "authors", "topics", "search", "feed", "sitemap.xml", "robots.txt", "static",
        "media", "moderation", "archive", "comments", "accounts", "api", "cite", "preview",
        "newsletter", "desk",
    }
)  # fmt: skip
# Second-level names under a blog that a post slug may not take.
RESERVED_POST_SLUGS = frozenset({"feed", "archive", "page"})


# Higher apps whose addresses are top-level names too (standing pages) say here which
# names they hold: each check returns why a blog may not take a slug, or None.
_TOP_LEVEL_CLAIMS: list = []


def claim_top_level_names(check) -> None:
    """Have ``check(slug)`` asked before a blog takes ``slug`` (called from an app's ready)."""
    if check not in _TOP_LEVEL_CLAIMS:
        _TOP_LEVEL_CLAIMS.append(check)


def validate_blog_slug(value: str) -> None:
    if value in RESERVED_BLOG_SLUGS:
        raise ValidationError(f"“{value}” is reserved for the site's own pages; choose another.")
    for check in _TOP_LEVEL_CLAIMS:
        reason = check(value)
        if reason:
            raise ValidationError(reason)


def validate_post_slug(value: str) -> None:
    if value in RESERVED_POST_SLUGS:
        raise ValidationError(f"“{value}” is reserved for the blog's own pages; choose another.")


class Institution(models.Model):
    """The one organisation that presents every blog on the site."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=100, help_text="Used as the publisher in citations, e.g. “Harbour Institute”."
    )
    url = models.URLField("website", blank=True)
    ror_id = RorField(
        "ROR id",
        blank=True,
        help_text="The institution's id in the Research Organization Registry, e.g. 03yrm5c26.",
    )
    tagline = models.CharField(max_length=240, blank=True)
    comment_guidelines = models.TextField(
        blank=True, help_text="Markdown. Shown beside every comment form."
    )

    def __str__(self):
        return self.name

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""

    def clean(self):
        if Institution.objects.exclude(pk=self.pk).exists():
            raise ValidationError("The site has one institution: edit it rather than adding one.")

    @property
    def comment_guidelines_html(self) -> str:
        return render_markdown(self.comment_guidelines)

    @classmethod
    def current(cls) -> "Institution":
        """The site's institution, or an unsaved placeholder before one is set up."""
        return cls.objects.order_by("pk").first() or cls(name="Masthead", short_name="Masthead")


class Blog(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True, validators=[validate_blog_slug])
    tagline = models.CharField(
        max_length=200, help_text="One line under the name, e.g. “Experts give their take on …”."
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the hub.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publishing:blog", args=[self.slug])


# The box a post's picture fills in a listing (site.css, "Post lists"): the column's width
# on a phone, a 14rem column beside the text on a wider screen.
LISTING_IMAGE_SIZES = "(min-width: 40rem) 14rem, calc(100vw - 2rem)"

# The box an author's photo is shown in on the profile page.
AUTHOR_PHOTO_SIZES = "120px"


class Author(models.Model):
    """A person or an institution in a byline.

    Citations need a person's family and given names apart ("Okafor, Ada");
    an institutional author is cited by one name as written.
    """

    display_name = models.CharField(max_length=120, help_text="As shown in bylines.")
    given_name = models.CharField(max_length=80, blank=True)
    family_name = models.CharField(
        max_length=80, blank=True, help_text="Include particles: “van der Berg”."
    )
    is_institutional = models.BooleanField(
        "institutional author",
        default=False,
        help_text="A team or organisation, cited by its display name alone.",
    )
    slug = models.SlugField(max_length=80, unique=True)
    role = models.CharField(max_length=160, blank=True, help_text="e.g. “Senior Fellow”.")
    bio = models.TextField("short bio", blank=True, validators=[MaxLengthValidator(2000)])
    photo = models.ImageField(upload_to="authors/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    orcid = OrcidField(
        "ORCID iD",
        blank=True,
        help_text="e.g. 0000-0002-1825-0097 (the link from orcid.org works too).",
    )

    class Meta:
        ordering = ["family_name", "display_name"]

    def __str__(self):
        return self.display_name

    def clean(self):
        if self.is_institutional:
            if self.given_name or self.family_name:
                raise ValidationError(
                    "An institutional author is cited by its display name alone; "
                    "leave the given and family names empty."
                )
        elif not self.family_name.strip():
            raise ValidationError(
                {"family_name": "A person needs a family name so citations can list them."}
            )
        if media.is_new_upload(self.photo):
            try:
                self._prepared_photo = prepare_body_image(self.photo)
            except ValidationError as refusal:
                raise ValidationError({"photo": refusal.messages}) from None

    def save(self, *args, **kwargs):
        # A new photo goes through the pictures' pipeline (cleaned, resized, random folder);
        # a byline is public, so it is written to the public root.
        if media.is_new_upload(self.photo):
            prepared = getattr(self, "_prepared_photo", None) or prepare_body_image(self.photo)
            folder = media.random_folder("authors")
            stored = media.store_picture(prepared, folder, self.photo.storage)
            self.photo, self._prepared_photo = stored[0], None
        super().save(*args, **kwargs)

    @property
    def photo_picture(self):
        """The photo as a template shows it (src, srcset for its 120 px box)."""
        return media.picture_view(
            self.photo, alt=f"Portrait of {self.display_name}", sizes=AUTHOR_PHOTO_SIZES
        )

    def get_absolute_url(self):
        return reverse("publishing:author", args=[self.slug])

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publishing:topic", args=[self.slug])


class PostQuerySet(models.QuerySet):
    def public(self):
        """Posts a reader may see now: published or scheduled, and their time has come.

        A scheduled post needs no job to go live: it simply starts matching
        this filter once its publish time has passed.
        """
        return self.filter(status__in=Post.GOING_PUBLIC, publish_at__lte=timezone.now())

    def next_going_public(self, after):
        """When the next post goes public by its schedule, with no save (None: none waiting).

        Whatever keeps copies of pages keeps them no longer than this.
        """
        waiting = self.filter(status__in=Post.GOING_PUBLIC, publish_at__gt=after)
        return waiting.aggregate(first=models.Min("publish_at"))["first"]

    def written_by(self, user):
        """Posts with ``user`` in their byline (through the author profile linked to them)."""
        return self.filter(bylines__author__user=user).distinct()

    def with_byline(self):
        return self.select_related("blog").prefetch_related(byline_prefetch())


def byline_prefetch() -> models.Prefetch:
    return models.Prefetch(
        "bylines", queryset=PostAuthor.objects.select_related("author").order_by("position")
    )


class Post(PostWorkflow, models.Model):
    Status = PostStatus

    # The statuses a reader can ever see; ``publish_at`` decides when.
    GOING_PUBLIC = (Status.SCHEDULED, Status.PUBLISHED)

    blog = models.ForeignKey(Blog, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(max_length=240)
    slug = models.SlugField(max_length=120, validators=[validate_post_slug])
    authors = models.ManyToManyField(Author, through="PostAuthor", related_name="posts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the post goes public. A scheduled post appears by itself at this time.",
    )
    summary = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(600)],
        help_text="One or two sentences for listings, feeds and link previews.",
    )
    # True while the summary is the one taken from the body's first sentences (no one
    # wrote it): the desk shows it as a suggestion, and it follows the body's edits.
    summary_is_automatic = models.BooleanField(default=False, editable=False)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    featured_image = models.ImageField(upload_to="posts/%Y/", blank=True)
    image_alt = models.CharField(
        "image alt text", max_length=300, blank=True, help_text="What the image shows."
    )
    image_caption = models.CharField(max_length=300, blank=True)
    image_credit = models.CharField(max_length=200, blank=True, help_text="e.g. “Photo: J. Ruiz”.")
    # Where the image's subject is, as fractions of its width and height from the top
    # left: a copy cropped for a listing or a card keeps this point in view.
    image_focus_x = models.FloatField(
        "image focus across", default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )  # fmt: skip
    image_focus_y = models.FloatField(
        "image focus down", default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )  # fmt: skip
    topics = models.ManyToManyField(Topic, blank=True, related_name="posts")
    comments_open = models.BooleanField(default=True)
    updated_at = models.DateTimeField(
        "last substantive update",
        null=True,
        blank=True,
        help_text="Set when the argument or facts changed, not for a typo.",
    )
    correction_note = models.TextField(
        blank=True, help_text="Shown with “Updated” on the post, e.g. what was corrected."
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()
    # Every saved version, with who saved it and when. The counter and the rendered HTML
    # are derived, so they are not kept (restoring re-renders and counts on).
    history = HistoricalRecords(excluded_fields=["revision", "body_html", "modified_at"])

    class Meta:
        ordering = ["-publish_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "slug"], name="post_slug_unique_in_blog",
                violation_error_message="Another post in this blog already has this slug.",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["status", "publish_at"], name="post_public_idx"),
            # A blog's public posts, counted and paged without reading the other blogs'.
            models.Index(fields=["blog", "status", "publish_at"], name="post_blog_public_idx"),
            # Whether a post reached through an author or a topic is public, read from an
            # index instead of the post's whole row (listings of thousands of posts).
            models.Index(fields=["id", "status", "publish_at"], name="post_visibility_idx"),
            # A blog's latest posts found by stepping back from now (the hub).
            models.Index(fields=["blog", "publish_at"], name="post_blog_latest_idx"),
        ]
        permissions = [
            ("submit_post", "Can submit own posts for review"),
            ("review_post", "Can approve posts or return them to their writers"),
            ("publish_post", "Can publish, schedule and withdraw approved posts"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.status == self.Status.SCHEDULED and self.publish_at is None:
            errors["publish_at"] = "A scheduled post needs a publish time."
        if (
            self.status == self.Status.PUBLISHED
            and self.publish_at
            and self.publish_at > timezone.now()
        ):
            errors["publish_at"] = (
                "This time is in the future: choose “Scheduled” to publish it then."
            )
        if self.featured_image and not self.image_alt.strip():
            errors["image_alt"] = "Describe the image for readers who cannot see it."
        if media.is_new_upload(self.featured_image):
            try:
                self._prepared_featured_image = prepare_body_image(self.featured_image)
            except ValidationError as refusal:
                errors["featured_image"] = refusal.messages
        if self.correction_note and not self.updated_at:
            errors["updated_at"] = "A correction note needs the time of the update."
        unknown = self.unknown_image_references()
        if unknown:
            listed = ", ".join(f"image:{number}" for number in unknown)
            errors["body"] = (
                f"The body shows {listed}, which is not one of this post's images: "
                "insert images with “Insert image” on this post."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        if not self.slug:
            self.slug = slugify(self.title)[:120]
        self.body_html = self.render_body(self.body)
        self._fill_automatic_summary()
        stored = self._store_new_featured_image()
        try:
            with transaction.atomic():
                if self.pk:
                    self.revision = models.F("revision") + 1
                    self._keep_version_replaced_by_this_update()
                super().save(*args, **kwargs)
        except BaseException:
            for name in stored:
                media.private_storage().delete(name)
            raise
        self._summary_as_saved = self.summary
        if self.pk and isinstance(self.revision, models.expressions.Combinable):
            self.refresh_from_db(fields=["revision"])
        # Pictures follow the post: public root once it is public, private root otherwise.
        media.sync_post_media(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        post = super().from_db(db, field_names, values)
        # What the summary was when read: an automatic one handed back unchanged by a form
        # is still automatic (it follows the body), an edited one is the editor's.
        if "summary" in post.__dict__:  # not deferred
            post._summary_as_saved = post.summary
        return post

    def _fill_automatic_summary(self) -> None:
        """A post nobody wrote a summary for gets one from its body's first sentences.

        It is marked automatic and follows the body's edits; a summary an editor writes
        replaces it (and is never touched); clearing the summary brings an automatic one back.
        """
        unchanged = self.summary == getattr(self, "_summary_as_saved", self.summary)
        if self.summary.strip() and not (self.summary_is_automatic and unchanged):
            self.summary_is_automatic = False
            return
        self.summary = summary_from_body(self.body_html)
        self.summary_is_automatic = True

    def _store_new_featured_image(self) -> list[str]:
        """A newly given featured image goes through the body images' pipeline (re-encoded,
        metadata dropped, random folder, narrower copies), written privately."""
        if not media.is_new_upload(self.featured_image):
            return []
        prepared = getattr(self, "_prepared_featured_image", None)
        prepared = prepared or prepare_body_image(self.featured_image)
        folder = media.random_folder("posts")
        stored = media.store_picture(prepared, folder, media.private_storage())
        self.featured_image = stored[0]
        self._prepared_featured_image = None
        return stored

    @property
    def featured_picture(self):
        """The featured image as a template shows it (src, srcset, sizes, width, height)."""
        return media.picture_view(
            self.featured_image, alt=self.image_alt, sizes=BODY_IMAGE_SIZES,
            caption=self.image_caption, credit=self.image_credit,
        )  # fmt: skip

    @property
    def listing_picture(self):
        """The featured image as a listing's card shows it: cropped to the card's shape by
        CSS around the focal point (``image_focus_classes``), from the same resized copies."""
        return media.picture_view(
            self.featured_image, alt=self.image_alt, sizes=LISTING_IMAGE_SIZES
        )

    @property
    def image_focus_classes(self) -> str:
        """The focal point as two of the stylesheet's classes (tenths across and down).

        Classes rather than a ``style`` attribute: the Content-Security-Policy refuses
        inline styles, and a tenth of the picture is finer than any crop a card makes."""
        across, down = (
            round(min(max(v, 0.0), 1.0) * 10) for v in (self.image_focus_x, self.image_focus_y)
        )
        return f"focus-x-{across} focus-y-{down}"

    def _keep_version_replaced_by_this_update(self) -> None:
        """Before a substantive update of a public post, keep what readers saw until now.

        A substantive update is a new ``updated_at`` (the admin's "substantive
        update" box stamps it); a typo fix leaves it alone and keeps no version.
        """
        if self.updated_at is None:
            return
        before = Post.objects.select_for_update().filter(pk=self.pk).first()
        if before is None or before.updated_at == self.updated_at or not before.is_public:
            return
        PostVersion.objects.create(
            post=self,
            number=self.versions.count() + 1,
            title=before.title,
            summary=before.summary,
            body=before.body,
            body_html=before.body_html,
            published_at=before.updated_at or before.publish_at,
            update_note=before.correction_note if before.updated_at else "",
            replaced_at=self.updated_at,
        )

    def corrections(self) -> list["Correction"]:
        """Every substantive update in order: when, what it said, and the version it replaced."""
        earlier = list(self.versions.all())
        if not earlier:
            return []
        found = [
            Correction(at=replaced.replaced_at, note=following_note, replaced=replaced)
            for replaced, following_note in zip(
                earlier,
                [version.update_note for version in earlier[1:]] + [self.correction_note],
                strict=True,
            )
        ]
        return found

    # --- pictures in the body ------------------------------------------------------------
    def body_image_views(self) -> dict[int, BodyImageView]:
        if not self.pk:
            return {}
        return {image.pk: image.as_view() for image in self.body_images.all()}

    def render_body(self, text: str) -> str:
        """``text`` as readers see it, with this post's pictures (the preview uses it too)."""
        return render_markdown(text, images=self.body_image_views())

    def unknown_image_references(self) -> list[int]:
        """Image numbers the body names that are not this post's own pictures.

        Only its own: a post must not show a picture uploaded to another (maybe embargoed) post.
        """
        named = {int(number) for number in IMAGE_REFERENCE_IN_TEXT.findall(self.body or "")}
        if not named:
            return []
        own = set(self.body_images.values_list("pk", flat=True)) if self.pk else set()
        return sorted(named - own)

    @property
    def is_public(self) -> bool:
        return (
            self.status in self.GOING_PUBLIC
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    def with_page_relations(self) -> "Post":
        """This post with its byline and topics read, once, for a page that shows them.

        For a post read without them: its page reads them only when the parts that
        show them are not already cached. A post that has them already reads nothing.
        """
        models.prefetch_related_objects([self], byline_prefetch(), "topics")
        return self

    @property
    def byline(self) -> list[Author]:
        """The authors in byline order (uses the prefetch from ``with_byline``)."""
        return [link.author for link in self.bylines.all()]

    def get_absolute_url(self):
        return reverse("publishing:post", args=[self.blog.slug, self.slug])


@dataclass(frozen=True)
class Correction:
    at: datetime.datetime
    note: str
    replaced: "PostVersion"


class PostVersion(models.Model):
    """A published version of a post as readers saw it until a substantive update.

    Kept so that a reference made before a correction can still be checked:
    version 1 is the post as first published; the post itself is the current
    version. Only published text is kept here, not every editorial save.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=240)
    summary = models.TextField(blank=True)
    body = models.TextField()
    body_html = models.TextField()
    published_at = models.DateTimeField(help_text="When readers first saw this version.")
    update_note = models.TextField(
        blank=True, help_text="The correction note this version was published with."
    )
    replaced_at = models.DateTimeField(help_text="The substantive update that replaced it.")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="one_version_number_per_post"),
        ]
        verbose_name = "published version"

    def __str__(self):
        return f"{self.post} (version {self.number})"

    def get_absolute_url(self):
        return reverse(
            "publishing:post_version", args=[self.post.blog.slug, self.post.slug, self.number]
        )


class PostAuthor(models.Model):
    """One place in a post's byline; ``position`` keeps co-authors in order."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "author"], name="author_once_per_byline"),
        ]
        # An author's posts counted and paged from the index alone.
        indexes = [models.Index(fields=["author", "post"], name="byline_author_post_idx")]
        verbose_name = "byline author"

    def __str__(self):
        return f"{self.author} on {self.post}"


class ContentVersion(models.Model):
    """One row whose token changes with anything the public pages show from publishing.

    Cached page fragments are keyed on the token, so a fragment built before a
    change is never read after it. It lives in the database rather than in the
    cache because each server process may keep its own local cache: every
    process reads the same row. A random token rather than a counter, so a
    database restored from a backup (or rolled back) never meets fragments
    cached under a number it hands out again.
    """

    token = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    ROW = 1

    def __str__(self):
        return f"Content version {self.token}"
