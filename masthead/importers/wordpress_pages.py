"""WordPress pages and menus, in and out.

In: ``page`` items become standing pages with their hierarchy (``wp:post_parent``),
their bodies through the same conversion as posts; each keeps its old link and its
WordPress id as an old address (``pages.OldAddress``), so ``/old/link/`` and
``/?page_id=N`` answer a permanent redirect (``importers.middleware``). Menus
(``nav_menu_item`` items, in the ``nav_menu`` term they carry) become the header and
footer menus: WordPress keeps which menu a theme shows where in the theme's settings,
not in the export, so a menu named like a footer goes to the footer, and one named like
a header (else the one linking the most pages at its top level) to the header; only
their top-level entries that link a page are kept (Masthead's menus are one level of
pages); every other entry is counted as skipped, with why. Pages are few, so they are
held until the posts are written and then written together, parents first.

Out: pages as ``page`` items (drafts as drafts), the header and footer menus as
``nav_menu_item`` items of the menus "header" and "footer".
"""

import html
import posixpath
import re
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from masthead.importers import wordpress_html, wordpress_pictures
from masthead.importers.wordpress_mapping import (
    SKIPPED_POST_STATUSES,
    _fit,
    _slug_from,
    _unique_slug,
    parse_wordpress_date,
)
from masthead.importers.wxr import WxrItem
from masthead.pages.models import MAX_DEPTH, OldAddress, Page, PageImage
from masthead.publishing import media
from masthead.publishing.models import RESERVED_BLOG_SLUGS, Blog
from masthead.publishing.rendering import PICTURE_LAYOUT_CLASSES

_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_FIGURE_BLOCK = re.compile(
    r"^<figure\b[^>]*>\s*(?:<p>\s*)?(?P<img><img\b[^>]*>)\s*(?:</p>\s*)?"
    r"(?:<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>\s*)?</figure>[ \t]*$",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
# A picture as the import writes one at its old address: ![alt](<https://…> "caption").
_MARKDOWN_PICTURE = re.compile(
    r'!\[(?P<alt>[^\]\n]*)\]\(<?(?P<url>https?://[^\s<>)]+)>?(?:\s+"(?P<title>[^"\n]*)")?\)'
)
FOOTER_MENU = re.compile(r"footer|bottom", re.I)
HEADER_MENU = re.compile(r"primary|main|header|top", re.I)
# Ids of our own export's items, clear of the posts' and attachments' ids.
PAGE_ID_OFFSET = 2_000_000_000
MENU_ITEM_ID_OFFSET = 3_000_000_000


class WordPressPages:
    """Collects the pages and menu items of one import run, then writes them (``write``)."""

    def __init__(self, run):
        self.run = run  # the WordPressImport: its summary, options and image addresses
        self.pages: list[WxrItem] = []
        self.menu_items: list[WxrItem] = []

    @property
    def summary(self):
        return self.run.summary

    def take(self, item: WxrItem) -> bool:
        """Keep ``item`` if it is a page or a menu entry; False: not ours."""
        if item.type == "page":
            if item.status in SKIPPED_POST_STATUSES:
                self.summary.count("pages", "skipped", SKIPPED_POST_STATUSES[item.status])
            else:
                self.pages.append(item)
            self.run._skip_comments(item, "on a page (pages have no discussion)")
            return True
        if item.type == "nav_menu_item":
            self.menu_items.append(item)
            return True
        return False

    # --- pages -----------------------------------------------------------------------
    def write(self) -> None:
        by_id = {item.id: item for item in self.pages}
        ordered = sorted(self.pages, key=lambda item: (self._depth(item, by_id), item.id))
        known = {
            address.wordpress_id: address.page
            for address in OldAddress.objects.select_related("page").filter(
                wordpress_id__in=list(by_id)
            )
        }
        fresh = [item for item in ordered if item.id not in known]
        for item in ordered:
            if item.id in known:
                self.summary.count("pages", "unchanged", "already imported (edited here since)")
                self._bring_home_pictures_left(known[item.id], item)
        prepared = [
            wordpress_html.prepare(
                item.content,
                self.run._gallery_images(item),
                # A page's pictures come home as its own PageImages (below), as a post's do.
                self.run._pictures_of(item),
                footnotes_meta=item.meta.get("footnotes", ""),
                local_document=self.run._documents_of(item),
            )
            for item in fresh
        ]
        if self.run.options.dry_run:
            markdown = [p.html for p in prepared]
        else:
            markdown = wordpress_html.to_markdown([p.html for p in prepared])
        for item, ready, text in zip(fresh, prepared, markdown, strict=True):
            body = wordpress_html.finish(text, ready)
            # Until the page has an id its pictures stand at their original addresses.
            page = self._write_page(item, wordpress_html.with_pictures(body, ready, {}), known)
            if page is not None:
                known[item.id] = page
                if ready.images and not self.run.options.dry_run:
                    self._show_page_images(page, ready, body)
        self._write_menus(known)

    @staticmethod
    def _depth(item: WxrItem, by_id: dict) -> int:
        depth, seen = 0, {item.id}
        while item.parent_id in by_id and item.parent_id not in seen and depth < 50:
            seen.add(item.parent_id)
            item = by_id[item.parent_id]
            depth += 1
        return depth

    def _write_page(self, item: WxrItem, body: str, known: dict) -> Page | None:
        parent = known.get(item.parent_id)
        if item.parent_id and parent is None:
            self.summary.note("pages", "parent page not imported: placed at the top level")
        if parent is not None and len(parent.ancestors()) + 1 >= MAX_DEPTH:
            self.summary.note("pages", f"nested deeper than {MAX_DEPTH}: placed higher")
            while parent is not None and len(parent.ancestors()) + 1 >= MAX_DEPTH:
                parent = parent.parent
        published = item.status == "publish" and not item.password
        if item.status == "publish" and item.password:
            self.summary.note("pages", "kept as a draft: password-protected in WordPress")
        elif not published:
            status = item.status or "no status"
            self.summary.note("pages", f"kept as a draft: {status} in WordPress")
        page = Page(
            title=_fit(wordpress_html.plain_text(item.title), 200) or "Untitled page",
            parent=parent,
            body=body,
            status=Page.Status.PUBLISHED if published else Page.Status.DRAFT,
        )
        page.slug = self._free_slug(_slug_from(item.slug, item.title) or f"page-{item.id}", page)
        role = item.meta.get("_masthead_page_role", "")  # Masthead's own export
        if role in Page.Role.values and role and not Page.objects.filter(role=role).exists():
            page.role = role
        try:
            page.full_clean()
        except ValidationError as error:
            self.summary.count("pages", "skipped", "not valid here")
            self.summary.warn(
                f"page {item.id} “{item.title}” was not imported: {'; '.join(error.messages)}"
            )
            return None
        if published:
            page.published_at = parse_wordpress_date(item.date, item.date_gmt)
        page.save()
        self._remember_old_address(item, page)
        self.summary.count("pages", "created", "as published" if published else "as a draft")
        return page

    def _bring_home_pictures_left(self, page: Page, item: WxrItem) -> None:
        """An imported page is left as it is (it may have been edited here), except that a
        picture still shown from the old site, written as the import wrote it, comes home
        now (an import without --fetch-media came first): that image, and only it, is
        named ``image:N`` in the Markdown."""
        if not self.run._brings_media or self.run.options.dry_run:
            return
        local_copy = self.run._pictures_of(item)
        brought = []

        def home(url: str, alt: str, caption: str = "") -> str | None:
            """The picture's Markdown as one of the page's own, or None if it did not come."""
            stored = local_copy(url) if url.startswith(("http://", "https://")) else ""
            if not stored:
                return None
            alt = self.run._picture_alt(url, alt)
            picture = self._page_image(page, stored, alt, caption.strip())
            brought.append(picture)
            return picture.markdown

        def markdown_picture(match) -> str:
            return home(match["url"], match["alt"], match["title"] or "") or match[0]

        def img_tag(match) -> str:
            # Pandoc keeps a picture with classes (its alignment) as an <img> tag.
            attributes = wordpress_pictures._attributes(match[0])
            shown = home(attributes.get("src", ""), attributes.get("alt", ""))
            if shown is None:
                return match[0]
            given = attributes.get("class", "").split()
            layout = " ".join(name for name in PICTURE_LAYOUT_CLASSES if name in given)
            return shown + wordpress_pictures.attribute_list(layout)

        def figure(match) -> str:
            # A picture with its caption, kept by pandoc as an HTML block: the whole block
            # becomes the picture, its caption the picture's caption (plain text, as in posts).
            attributes = wordpress_pictures._attributes(match["img"])
            caption = html.unescape(re.sub(r"<[^>]+>", "", match["caption"] or ""))
            shown = home(attributes.get("src", ""), attributes.get("alt", ""), caption)
            if shown is None:
                return match[0]
            given = attributes.get("class", "").split()
            layout = " ".join(name for name in PICTURE_LAYOUT_CLASSES if name in given)
            return shown + wordpress_pictures.attribute_list(layout)

        body = _FIGURE_BLOCK.sub(figure, page.body)
        lines = []
        for line in _MARKDOWN_PICTURE.sub(markdown_picture, body).split("\n"):
            # Inside an HTML block (a table kept as HTML) Markdown is not read: left alone.
            if not line.lstrip().startswith("<") or line.lstrip().lower().startswith("<img"):
                line = _IMG_TAG.sub(img_tag, line)
            lines.append(line)
        body = "\n".join(lines)
        if brought:
            page.body = body
            page.save()
            self.summary.note("pages", "pictures brought home into an imported page", len(brought))

    def _show_page_images(self, page: Page, ready, body: str) -> None:
        """The page's pictures brought home, as its own ``PageImage``s named ``image:N``."""
        named = {}
        for number, picture in enumerate(ready.images):
            if picture.stored:
                alt = self.run._picture_alt(picture.url, picture.alt)
                named[number] = self._page_image(page, picture.stored, alt, picture.caption)
        if not named:
            return
        page.body = wordpress_html.with_pictures(body, ready, named)
        page.save()
        self.summary.note("pages", "pictures in bodies shown from here (with srcset)", len(named))

    def _page_image(self, page: Page, full_name: str, alt: str, caption: str) -> PageImage:
        match = media.PIPELINE_NAME.match(full_name)
        folder = media.random_folder("pages/body")
        names = self.run._copy_files(full_name, folder, default_storage)
        picture = PageImage(
            page=page, alt=_fit(alt, 300), caption=_fit(caption, 300),
            width=int(match["width"]), height=int(match["height"]),
            renditions=[[int(posixpath.basename(n).split("w.")[0]), n] for n in names[1:]],
        )  # fmt: skip
        picture.image.name = names[0]
        picture.save()
        return picture

    @staticmethod
    def _free_slug(base: str, page: Page) -> str:
        """``base``, or a variant no page beside it, no blog and no site address holds."""
        base = base[:80]
        if page.parent is None and (
            base in RESERVED_BLOG_SLUGS or Blog.objects.filter(slug=base).exists()
        ):
            base = f"{base[:75]}-page"
        prefix = f"{page.parent.path}/" if page.parent is not None else ""

        def taken(slug: str) -> bool:
            clash = Page.objects.filter(path=prefix + slug).exists()
            return clash or (not prefix and Blog.objects.filter(slug=slug).exists())

        return _unique_slug(base, taken, 80)

    def _remember_old_address(self, item: WxrItem, page: Page) -> None:
        path = re.sub(r"/{2,}", "/", unquote(urlsplit(item.link).path)) if item.link else ""
        if path in ("", "/"):
            path = f"/?page_id={item.id}"  # plain links: answered from the id alone
        OldAddress.objects.update_or_create(
            path=path[:500], defaults={"page": page, "wordpress_id": item.id}
        )

    # --- menus -----------------------------------------------------------------------
    def _write_menus(self, pages: dict[int, Page]) -> None:
        menus: dict[str, tuple[str, list[WxrItem]]] = {}
        for item in self.menu_items:
            term = next((t for t in item.terms if t.kind == "nav_menu"), None)
            if term is None:
                self.summary.count("menu items", "skipped", "in no menu")
                continue
            menus.setdefault(term.slug, (term.name or term.slug, []))[1].append(item)
        placement = self._placement(menus, pages)
        for slug, (name, items) in menus.items():
            where = placement.get(slug)
            if where is None:
                reason = f"in the menu “{name}” (Masthead shows one header and one footer menu)"
                for _item in items:
                    self.summary.count("menu items", "skipped", reason)
                continue
            self.summary.note("menus", f"“{name}” became the {where} menu")
            for item in sorted(items, key=lambda entry: entry.menu_order):
                self._place(item, where, pages)

    @staticmethod
    def _linked_page(item: WxrItem, pages: dict[int, Page]) -> Page | None:
        if item.meta.get("_menu_item_object") != "page":
            return None
        try:
            return pages.get(int(item.meta.get("_menu_item_object_id") or 0))
        except ValueError:
            return None

    def _top_level_pages(self, items: list[WxrItem], pages: dict[int, Page]) -> int:
        return sum(
            1 for item in items
            if self._linked_page(item, pages)
            and (item.meta.get("_menu_item_menu_item_parent") or "0") == "0"
        )  # fmt: skip

    def _placement(self, menus: dict, pages: dict[int, Page]) -> dict[str, str]:
        """Which menu goes where: one named like a footer to the footer; to the header, one
        named like a header, else the one linking the most pages at its top level."""
        sizes = {slug: self._top_level_pages(items, pages) for slug, (_n, items) in menus.items()}
        candidates = [(slug, name) for slug, (name, _items) in menus.items() if sizes[slug]]
        placement = {}
        footer = next((s for s, n in candidates if FOOTER_MENU.search(f"{s} {n}")), None)
        if footer:
            placement[footer] = "footer"
        others = [(s, n) for s, n in candidates if s != footer]
        header = next((s for s, n in others if HEADER_MENU.search(f"{s} {n}")), None)
        if header is None and others:
            header = max(others, key=lambda entry: sizes[entry[0]])[0]
        if header:
            placement[header] = "header"
        return placement

    def _place(self, item: WxrItem, where: str, pages: dict[int, Page]) -> None:
        page = self._linked_page(item, pages)
        if page is None:
            kind = item.meta.get("_menu_item_object") or "link"
            self.summary.count("menu items", "skipped", f"links a {kind}, not a page")
            return
        if (item.meta.get("_menu_item_menu_item_parent") or "0") != "0":
            self.summary.count("menu items", "skipped", "nested under another entry")
            return
        label = wordpress_html.plain_text(item.title)
        wanted = {
            f"in_{where}_menu": True,
            f"{where}_position": min(item.menu_order, 32767),
            "menu_label": _fit(label, 60) if label and label != page.title else page.menu_label,
        }
        if all(getattr(page, name) == value for name, value in wanted.items()):
            self.summary.count("menu items", "unchanged", f"already in the {where} menu")
            return
        for name, value in wanted.items():
            setattr(page, name, value)
        page.save()
        self.summary.count("menu items", "created", f"in the {where} menu")


# --- the export ----------------------------------------------------------------------
def _cdata(text: str) -> str:
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _meta(key: str, value: str) -> str:
    return (
        f"<wp:postmeta><wp:meta_key>{_cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{_cdata(value)}</wp:meta_value></wp:postmeta>"
    )


def write_pages(out, site: str, dates) -> dict[str, int]:
    """Every page as a WXR ``page`` item, then the menus as ``nav_menu_item`` items."""
    counts = {"pages": 0, "menu items": 0}
    for menu in ("header", "footer"):
        out.write(
            f"<wp:term><wp:term_taxonomy>nav_menu</wp:term_taxonomy>"
            f"<wp:term_slug>{menu}</wp:term_slug>"
            f"<wp:term_name>{_cdata(menu.title())}</wp:term_name></wp:term>\n"
        )
    pages = Page.objects.order_by("pk")
    for page in pages.iterator():
        counts["pages"] += 1
        local, utc = dates(page.published_at or page.created_at)
        parent = PAGE_ID_OFFSET + page.parent_id if page.parent_id else 0
        status = "publish" if page.status == Page.Status.PUBLISHED else "draft"
        metas = ""
        if page.correction_note:
            metas += _meta("_masthead_correction_note", page.correction_note)
        if page.role:
            metas += _meta("_masthead_page_role", page.role)
        out.write(
            f"<item><title>{escape(page.title)}</title>"
            f"<link>{escape(site + page.get_absolute_url())}</link>"
            f'<guid isPermaLink="false">{escape(site)}/?page_id={PAGE_ID_OFFSET + page.pk}</guid>'
            "<dc:creator></dc:creator><description></description>"
            f"<content:encoded>{_cdata(page.body_html)}</content:encoded>"
            f"<excerpt:encoded>{_cdata('')}</excerpt:encoded>"
            f"<wp:post_id>{PAGE_ID_OFFSET + page.pk}</wp:post_id>"
            f"<wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{utc}</wp:post_date_gmt>"
            "<wp:comment_status>closed</wp:comment_status><wp:ping_status>closed</wp:ping_status>"
            f"<wp:post_name>{_cdata(page.slug)}</wp:post_name><wp:status>{status}</wp:status>"
            f"<wp:post_parent>{parent}</wp:post_parent>"
            "<wp:menu_order>0</wp:menu_order>"
            f"<wp:post_type>page</wp:post_type><wp:post_password></wp:post_password>{metas}"
            "</item>\n"
        )
    for menu in ("header", "footer"):
        for page in pages.filter(**{f"in_{menu}_menu": True}).order_by(f"{menu}_position"):
            counts["menu items"] += 1
            item_id = MENU_ITEM_ID_OFFSET + 2 * page.pk + (menu == "footer")
            local, utc = dates(page.created_at)
            out.write(
                f"<item><title>{escape(page.menu_label)}</title>"
                f'<guid isPermaLink="false">{escape(site)}/?p={item_id}</guid>'
                f"<wp:post_id>{item_id}</wp:post_id>"
                f"<wp:post_date>{local}</wp:post_date><wp:post_date_gmt>{utc}</wp:post_date_gmt>"
                "<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>"
                f"<wp:menu_order>{getattr(page, f'{menu}_position')}</wp:menu_order>"
                "<wp:post_type>nav_menu_item</wp:post_type>"
                f'<category domain="nav_menu" nicename={quoteattr(menu)}>'
                f"{_cdata(menu.title())}</category>"
                + _meta("_menu_item_type", "post_type")
                + _meta("_menu_item_menu_item_parent", "0")
                + _meta("_menu_item_object_id", str(PAGE_ID_OFFSET + page.pk))
                + _meta("_menu_item_object", "page")
                + "</item>\n"
            )
    return counts


def pages_as_json(site: str) -> list[dict]:
    """Every page for the JSON export, parents named by their address."""
    return [
        {
            "path": page.path,
            "url": site + page.get_absolute_url(),
            "title": page.title,
            "slug": page.slug,
            "parent": page.parent.path if page.parent_id else None,
            "status": page.status,
            "role": page.role,
            "in_header_menu": page.in_header_menu,
            "in_footer_menu": page.in_footer_menu,
            "menu_label": page.menu_label,
            "header_position": page.header_position,
            "footer_position": page.footer_position,
            "body_markdown": page.body,
            "body_html": page.body_html,
            "published_at": page.published_at.isoformat() if page.published_at else None,
            "updated_at": page.updated_at.isoformat() if page.updated_at else None,
            "correction_note": page.correction_note,
        }
        for page in Page.objects.select_related("parent").order_by("path")
    ]
