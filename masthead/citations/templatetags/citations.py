"""Citation pieces for the post page: metadata for reference managers, the Cite
link and dialog, and the reference in the print footer. All read stored
references; none formats anything."""

import json

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from masthead.citations import csl, formatting
from masthead.citations.styles import get_style
from masthead.publishing.models import Institution

register = template.Library()

# Labels readers know, for the styles shown on the post page.
STYLE_LABELS = {
    "modern-language-association": "MLA",
    "apa": "APA",
    "chicago-author-date": "Chicago (author-date)",
    "chicago-notes-bibliography": "Chicago (notes and bibliography)",
}


def style_label(style) -> str:
    return STYLE_LABELS.get(style.id, style.title)


@register.filter
def label(style):
    return style_label(style)


def _json_for_script(data) -> str:
    # Escapes <, > and & so the JSON cannot close its <script> element.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_institution(context) -> Institution:
    """The institution the page's context processor already read, else read it now."""
    return context.get("institution") or Institution.current()


def dublin_core_creator(name: dict) -> str:
    """A creator as Zotero's readers of meta tags take it whole.

    Zotero's Embedded Metadata translator hands each name to its
    ``cleanAuthor`` with "split at the comma" on only when the name holds a
    comma; without one it splits at the last space, so "Ben van der Berg"
    would become first name "Ben van der". "Family, Given" keeps the family
    name whole; a name with no given name (an institution, a mononym) ends in
    a comma, which ``cleanAuthor`` strips before finding nothing to split.
    """
    inverted = csl.inverted_name(name)
    return inverted if "," in inverted else f"{inverted},"


def highwire_authors(names: list[dict]) -> list[str]:
    """``citation_author`` values that Zotero reads as the same creators, in order.

    One rule of the translator's applies only to a page with one author tag:
    a value with a space on both sides of its comma ("de la Cruz, María José")
    is taken for a list of two authors and split. A semicolon, its list
    separator, closes that one name so the list holds it alone.
    """
    values = [dublin_core_creator(name) for name in names]
    if len(values) == 1:
        family, _, given = values[0].partition(",")
        if " " in family.strip() and " " in given.strip():
            values[0] += ";"
    return values


def schema_org_posting(post, request, institution, topics: list[str]) -> dict:
    url = request.build_absolute_uri(post.get_absolute_url())
    authors = []
    for author in post.byline:
        kind = "Organization" if author.is_institutional else "Person"
        entry = {"@type": kind, "name": author.display_name}
        entry["url"] = request.build_absolute_uri(author.get_absolute_url())
        if author.orcid:
            entry["sameAs"] = author.orcid_url
        authors.append(entry)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "url": url,
        "mainEntityOfPage": url,
        "author": authors,
        "publisher": {"@type": "Organization", "name": institution.short_name},
        "inLanguage": "en",
        "isPartOf": {
            "@type": "Blog",
            "name": post.blog.name,
            "url": request.build_absolute_uri(post.blog.get_absolute_url()),
        },
    }
    if institution.url:
        data["publisher"]["url"] = institution.url
    if institution.ror_id:
        data["publisher"]["sameAs"] = institution.ror_url
    if post.publish_at:
        data["datePublished"] = post.publish_at.isoformat()
    data["dateModified"] = (post.updated_at or post.publish_at or post.modified_at).isoformat()
    if post.summary:
        data["description"] = post.summary
    if post.featured_image:
        data["image"] = request.build_absolute_uri(post.featured_image.url)
    if topics:
        data["keywords"] = topics
    doi = csl.assigned_doi(post)
    if doi:
        data["identifier"] = f"https://doi.org/{doi}"
    return data


@register.inclusion_tag("citations/_metadata.html", takes_context=True)
def citation_metadata(context, post):
    request = context["request"]
    institution = page_institution(context)
    date = timezone.localtime(post.publish_at) if post.publish_at else None
    pdf_path = reverse("citations:pdf", args=[post.blog.slug, post.slug])
    image_path = post.featured_image.url if post.featured_image else ""
    names = [csl.csl_name(author) for author in post.byline]
    topics = [topic.name for topic in post.topics.all()]
    posting = schema_org_posting(post, request, institution, topics)
    return {
        "post": post,
        "publisher": institution.short_name,
        # Highwire's citation_author_orcid follows the citation_author it belongs to.
        "highwire_authors": list(
            zip(highwire_authors(names), [a.orcid_url for a in post.byline], strict=True)
        ),
        "creator_names": [dublin_core_creator(name) for name in names],
        "topics": topics,
        "doi": csl.assigned_doi(post),
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "pdf_url": request.build_absolute_uri(pdf_path),
        # The downloads, for reference managers that follow a page's alternates.
        **{
            f"{kind}_url": request.build_absolute_uri(
                reverse(f"citations:cite_{kind}", args=[post.blog.slug, post.slug])
            )
            for kind in ("ris", "bib", "json")
        },
        "unapi_url": request.build_absolute_uri(reverse("citations:unapi")),
        "date_slashes": date.strftime("%Y/%m/%d") if date else "",
        "date_iso": date.date().isoformat() if date else "",
        "image_url": request.build_absolute_uri(image_path) if image_path else "",
        "json_ld": mark_safe(_json_for_script(posting)),  # noqa: S308
    }


@register.simple_tag
def cite_link(post):
    url = reverse("citations:cite", args=[post.blog.slug, post.slug])
    link = format_html(
        '<a class="action" href="{}" data-cite-dialog="cite-dialog" aria-haspopup="dialog">{}</a>',
        url,
        "Cite",
    )
    # The post's id for unAPI (see views.unapi): reference managers look for it in the body.
    link += format_html('<abbr class="unapi-id" title="{}/{}"></abbr>', post.blog.slug, post.slug)
    doi = csl.assigned_doi(post)
    if doi:
        link += format_html(' <a class="post__doi" href="https://doi.org/{}">DOI: {}</a>', doi, doi)
    return link


def download_links(post) -> dict:
    args = [post.blog.slug, post.slug]
    return {
        "cite_url": reverse("citations:cite", args=args),
        "bib_url": reverse("citations:cite_bib", args=args),
        "ris_url": reverse("citations:cite_ris", args=args),
        "json_url": reverse("citations:cite_json", args=args),
        "pdf_url": reverse("citations:pdf", args=args),
    }


def core_citations(post, institution=None):
    styles = formatting.core_styles()
    stored = formatting.stored_citations(post, page_styles(), institution=institution)
    return [(style, stored[style.id]) for style in styles]


def page_styles() -> list:
    """Every style a post page shows (the dialog's and the print footer's), read in one go."""
    styles = formatting.core_styles()
    print_style = get_style(settings.MASTHEAD_PRINT_CITATION_STYLE)
    return styles if print_style in styles else [*styles, print_style]


@register.inclusion_tag("citations/_dialog.html", takes_context=True)
def cite_dialog(context, post):
    citations = core_citations(post, page_institution(context))
    return {"post": post, "citations": citations, **download_links(post)}


@register.inclusion_tag("citations/_print_citation.html", takes_context=True)
def print_citation(context, post):
    style = get_style(settings.MASTHEAD_PRINT_CITATION_STYLE)
    stored = formatting.stored_citations(post, page_styles(), institution=page_institution(context))
    return {"citation": stored[style.id], "style": style}


@register.simple_tag
def csl_json(post):
    return csl.post_as_csl(post)


@register.inclusion_tag("citations/_version_citations.html", takes_context=True)
def version_citations(context, version):
    """The stored references to an earlier version, in the core styles' order."""
    stored = {row.style_id: row for row in version.citations.all()}
    styles = formatting.core_styles()
    return {
        "version": version,
        "site_url": context.get("site_url", ""),
        "citations": [(style, stored[style.id]) for style in styles if style.id in stored],
    }
