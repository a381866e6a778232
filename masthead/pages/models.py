"""Standing pages: what the institution says about itself (About, Staff, Contact,
Comment guidelines, Privacy ...), each at its own address, in the menus editors choose.

A page's address follows its parents: a page "staff" under "about" is ``/about/staff/``.
Only top-level names compete with the blogs (``/<blog>/``) and the site's own addresses,
so a top-level page may not take a blog's slug or a reserved one, and a blog may not
take a top-level page's (``top_level_claim``, which publishing asks).

A page is public when it and every page above it are published: a draft parent keeps
its children out of sight, as their addresses pass through it.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from masthead.publishing.images import BODY_IMAGE_SIZES
from masthead.publishing.models import RESERVED_BLOG_SLUGS, Blog
from masthead.publishing.rendering import BodyImageView, render_markdown

# How deep pages may nest: enough for /about/people/research/, short enough to read.
MAX_DEPTH = 4


def top_level_claim(slug: str) -> str | None:
    """Why a blog may not take ``slug``: a top-level page has that address already."""
    page = Page.objects.filter(parent=None, slug=slug).only("title").first()
    if page is None:
        return None
    return f"“{slug}” is the address of the page “{page.title}” (/{slug}/); choose another."


class PageQuerySet(models.QuerySet):
    def public(self):
        """Published pages whose parents are all published (two queries however many)."""
        return self.filter(pk__in=public_page_ids())

    def matching(self, text: str, limit: int = 5) -> list["Page"]:
        """Public pages holding every word of ``text`` in their title or body (search).

        Pages are a few dozen, so a plain look-up serves; they are not in the posts' index.
        """
        words = re.findall(r"\w+", text or "")[:8]
        if not words:
            return []
        found = self.filter(status=Page.Status.PUBLISHED)
        for word in words:
            found = found.filter(models.Q(title__icontains=word) | models.Q(body__icontains=word))
        found = list(found.only("title", "path").order_by("path")[: limit * 4])
        if not found:
            return []  # the usual case costs one query
        public = public_page_ids()
        return [page for page in found if page.pk in public][:limit]

    def in_menu(self, menu: str):
        placed = self.public().filter(**{f"in_{menu}_menu": True})
        return placed.order_by(f"{menu}_position", "title")


def public_page_ids() -> set[int]:
    return public_ids({row["pk"]: row for row in Page.objects.values("pk", "parent_id", "status")})


def public_ids(rows: dict[int, dict]) -> set[int]:
    """Of these rows (pk -> its parent_id and status), the pages that are public."""
    public: dict[int, bool] = {}

    def is_public(pk, seen=()) -> bool:
        if pk in public:
            return public[pk]
        parent, status = rows[pk]["parent_id"], rows[pk]["status"]
        answer = status == Page.Status.PUBLISHED and pk not in seen
        if answer and parent is not None:
            answer = parent in rows and is_public(parent, (*seen, pk))
        public[pk] = answer
        return answer

    return {pk for pk in rows if is_public(pk)}


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Role(models.TextChoices):
        # What the site itself links to: the comment form's guidelines link, for one.
        NONE = "", "—"
        COMMENT_GUIDELINES = "comment_guidelines", "Comment guidelines"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80,
        help_text="The last part of the address. A top-level page may not share a blog's.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The page this one sits under; its address follows the parent's.",
    )
    # The whole address without its slashes ("about/staff"), kept from the parents' slugs
    # so a request finds its page with one indexed look-up.
    path = models.CharField(max_length=400, unique=True, editable=False)
    body = models.TextField(blank=True, help_text="Markdown, as in posts.")
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    role = models.CharField(
        max_length=30,
        choices=Role.choices,
        blank=True,
        default=Role.NONE,
        help_text="What the site links to this page for (one page per role).",
    )
    in_header_menu = models.BooleanField("in the header menu", default=False)
    in_footer_menu = models.BooleanField("in the footer menu", default=False)
    menu_label = models.CharField(
        max_length=60, blank=True, help_text="A shorter name for the menus; the title if empty."
    )
    header_position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the header menu, smallest first."
    )
    footer_position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the footer menu, smallest first."
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(
        "last substantive update",
        null=True,
        blank=True,
        help_text="Set when what the page says changed, not for a typo.",
    )
    correction_note = models.TextField(
        blank=True, help_text="Shown with “Updated” on the page, e.g. what was corrected."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()
    # Every saved version, with who saved it and when; editors compare and restore them in
    # the admin. The address and the HTML are derived, so they are not kept.
    history = HistoricalRecords(excluded_fields=["path", "body_html", "modified_at"])

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"],
                condition=~models.Q(role=""),
                name="one_page_per_role",
                violation_error_message="Another page already has this role.",
            ),
        ]

    def __str__(self):
        return self.title

    # --- addresses --------------------------------------------------------------------
    def ancestors(self) -> list["Page"]:
        """The pages above this one, the top-level one first."""
        chain, seen, page = [], {self.pk}, self.parent
        while page is not None and page.pk not in seen and len(chain) <= MAX_DEPTH:
            chain.append(page)
            seen.add(page.pk)
            page = page.parent
        return list(reversed(chain))

    def path_from_parents(self) -> str:
        return "/".join([*(page.slug for page in self.ancestors()), self.slug])

    def get_absolute_url(self):
        return reverse("pages:page", args=[self.path or self.path_from_parents()])

    @property
    def menu_name(self) -> str:
        return self.menu_label or self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and all(
            page.status == self.Status.PUBLISHED for page in self.ancestors()
        )

    # --- checks -----------------------------------------------------------------------
    def clean(self):
        errors = {}
        if self.parent_id is not None:
            if self.pk is not None and (
                self.parent_id == self.pk or self.pk in {p.pk for p in self.parent.ancestors()}
            ):
                errors["parent"] = "A page cannot sit under itself or under one of its own pages."
            elif len(self.parent.ancestors()) + 1 >= MAX_DEPTH:
                errors["parent"] = f"Pages nest at most {MAX_DEPTH} deep; choose a higher parent."
        elif self.slug:
            reason = self._top_level_conflict()
            if reason:
                errors["slug"] = reason
        if self.slug and "parent" not in errors:
            path = self.path_from_parents()
            if Page.objects.exclude(pk=self.pk).filter(path=path).exists():
                errors["slug"] = f"Another page already has the address /{path}/."
        if self.correction_note and not self.updated_at:
            errors["updated_at"] = "A correction note needs the time of the update."
        if errors:
            raise ValidationError(errors)

    def _top_level_conflict(self) -> str | None:
        if self.slug in RESERVED_BLOG_SLUGS:
            return f"“{self.slug}” is reserved for the site's own pages; choose another."
        blog = Blog.objects.filter(slug=self.slug).only("name").first()
        if blog is not None:
            return (
                f"“{self.slug}” is the address of the blog “{blog.name}”; choose another "
                "slug, or put this page under a parent page."
            )
        return None

    # --- versions and corrections -----------------------------------------------------
    def corrections(self) -> list["Correction"]:
        """Every substantive update in order: when, what it said, and the version it replaced
        (as a post's: the note of version N+1, or the page's own, tells why N was replaced)."""
        earlier = list(self.versions.all())
        if not earlier:
            return []
        notes = [version.update_note for version in earlier[1:]] + [self.correction_note]
        return [
            Correction(at=replaced.replaced_at, note=note, replaced=replaced)
            for replaced, note in zip(earlier, notes, strict=True)
        ]

    def _keep_version_replaced_by_this_update(self) -> None:
        """Before a substantive update of a public page, keep what readers saw until now.

        As for posts: a substantive update is a new ``updated_at``; a typo fix leaves it
        alone and keeps no version. Only what readers saw is kept, never a draft's text.
        """
        if self.pk is None or self.updated_at is None:
            return
        before = Page.objects.select_for_update().filter(pk=self.pk).first()
        if before is None or before.updated_at == self.updated_at or not before.is_public:
            return
        PageVersion.objects.create(
            page=self,
            number=self.versions.count() + 1,
            title=before.title,
            body=before.body,
            body_html=before.body_html,
            published_at=before.updated_at or before.published_at or before.created_at,
            update_note=before.correction_note if before.updated_at else "",
            replaced_at=self.updated_at,
        )

    # --- saving -----------------------------------------------------------------------
    def save(self, *args, **kwargs):
        pictures = {p.pk: p.as_view() for p in self.body_images.all()} if self.pk else {}
        self.body_html = render_markdown(self.body, pictures)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        old_path = None
        if self.pk is not None:
            old_path = Page.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.path = self.path_from_parents()
        with transaction.atomic():
            self._keep_version_replaced_by_this_update()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_children()
                # The latest page to leave an address is the one it leads to.
                OldAddress.objects.update_or_create(path=f"/{old_path}/", defaults={"page": self})

    def _move_children(self) -> None:
        """The pages beneath follow a changed address (each save tells the registry)."""
        for child in self.children.all():
            child.parent = self
            child.save()


@dataclass(frozen=True)
class Correction:
    at: datetime.datetime
    note: str
    replaced: "PageVersion"


class PageVersion(models.Model):
    """A page as readers saw it until a substantive update, at its own address.

    Version 1 is the page as first published; the page itself is the current
    version. Kept so that whoever quoted the page before a correction can be
    checked, as posts' versions are.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    body_html = models.TextField()
    published_at = models.DateTimeField(help_text="When readers first saw this version.")
    update_note = models.TextField(
        blank=True, help_text="The correction note this version was published with."
    )
    replaced_at = models.DateTimeField(help_text="The substantive update that replaced it.")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_version_number_per_page"),
        ]
        verbose_name = "published version"

    def __str__(self):
        return f"{self.page} (version {self.number})"

    def get_absolute_url(self):
        return reverse("pages:version", args=[self.page.path, self.number])


class OldAddress(models.Model):
    """An address a page answered at before (a WordPress page link, an earlier slug):
    asked for, it answers a permanent redirect to wherever the page is now."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="old_addresses")
    path = models.CharField(max_length=500, unique=True)
    # WordPress's own id of the page, for its plain links (/?page_id=N).
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "old addresses"

    def __str__(self):
        return f"{self.path} → {self.page}"


class PageImage(models.Model):
    """A picture in a page's body, named ``![alt](image:ID)`` there as in posts, shown with
    ``srcset``: a cleaned full copy and narrower ones (``publishing.images``), written by an
    import (WordPress pages' pictures brought home). A page shows only its own pictures.

    Pages are the institution's public face, so their pictures lie under the public media
    root at once (in a random folder, as a post's do)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="body_images")
    image = models.ImageField(editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # [[width, stored name], ...], narrowest first, not including the full copy.
    renditions = models.JSONField(default=list, editable=False)
    alt = models.CharField("alt text", max_length=300)
    caption = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"image:{self.pk} ({self.alt[:40]})"

    @property
    def markdown(self) -> str:
        alt = re.sub(r"[\[\]\\\n]+", " ", self.alt).strip()
        return f"![{alt}](image:{self.pk})"

    def stored_names(self) -> list[str]:
        return [self.image.name, *(name for _width, name in self.renditions)]

    def as_view(self) -> BodyImageView:
        storage = self.image.storage
        sources = [(storage.url(name), width) for width, name in self.renditions]
        sources.append((self.image.url, self.width))
        return BodyImageView(
            src=self.image.url,
            srcset=", ".join(f"{url} {width}w" for url, width in sources),
            sizes=BODY_IMAGE_SIZES,
            width=self.width,
            height=self.height,
            alt=self.alt,
            caption=self.caption,
        )


@receiver(post_delete, sender=PageImage)
def delete_page_image_files(sender, instance: PageImage, **kwargs):
    """A picture's files go with it (also when its page is deleted)."""
    for name in instance.stored_names():
        if name:
            instance.image.storage.delete(name)
