from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.views.decorators.http import require_safe

from masthead.citations import csl, exports, formatting, printing, style_requests, styles
from masthead.citations.templatetags.citations import core_citations, download_links
from masthead.client_limits import client_key
from masthead.publishing.views import find_post

CSL_JSON = "application/vnd.citationstyles.csl+json; charset=utf-8"


def _private_if_preview(response, post):
    if not post.is_public:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


def _download(body: str, content_type: str, filename: str, post) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _private_if_preview(response, post)


@require_safe
def cite_page(request, blog_slug, post_slug):
    """Every core style, or the one style named by ``?style=``; ``?q=`` searches styles."""
    post = find_post(request, blog_slug, post_slug)
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "post": post,
        "blog": post.blog,
        "query": query,
        "search_results": styles.search(query) if query else [],
        "is_preview": not post.is_public,
        "style_count": len(styles.all_style_ids()),
        **download_links(post),
    }
    style_id = request.GET.get("style", "").strip()
    status = 200
    if style_id:
        try:
            style = styles.get_style(style_id)
        except styles.UnknownStyle as unknown:
            context["unknown_style"] = unknown
            response = render(request, "citations/cite_page.html", context, status=404)
            return _private_if_preview(response, post)
        citation = formatting.stored_citations(post, [style])[style.id]
        retry_after = 5
        if citation is None:
            try:
                style_requests.request_style(post, style, requester=client_key(request))
                status = 202
            except style_requests.StyleRequestRefused as refused:
                context["refusal"] = refused.message
                retry_after = refused.retry_after
                status = 429
        context["chosen_style"] = style
        context["chosen_citation"] = citation
    else:
        context["citations"] = core_citations(post)
    response = render(request, "citations/cite_page.html", context, status=status)
    if status in {202, 429}:
        # Being prepared, or refused for now: a cache must not keep this answer.
        response["Cache-Control"] = "no-cache"
        response["Retry-After"] = str(retry_after)
    return _private_if_preview(response, post)


@require_safe
def cite_json(request, blog_slug, post_slug):
    post = find_post(request, blog_slug, post_slug)
    item = csl.post_for_download(post)
    response = JsonResponse(
        [item], safe=False, content_type=CSL_JSON, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Disposition"] = f'inline; filename="{exports.citation_key(item)}.json"'
    return _private_if_preview(response, post)


@require_safe
def cite_bib(request, blog_slug, post_slug):
    """BibTeX that reference managers read too; ``?format=biblatex`` for BibLaTeX."""
    post = find_post(request, blog_slug, post_slug)
    item = csl.post_for_download(post)
    biblatex = request.GET.get("format") == "biblatex"
    body = exports.biblatex(item) if biblatex else exports.bibtex(item)
    name = exports.citation_key(item) + ("-biblatex" if biblatex else "")
    return _download(body, "application/x-bibtex; charset=utf-8", f"{name}.bib", post)


@require_safe
def cite_ris(request, blog_slug, post_slug):
    post = find_post(request, blog_slug, post_slug)
    item = csl.post_for_download(post)
    return _download(
        exports.ris(item),
        "application/x-research-info-systems; charset=utf-8",
        f"{exports.citation_key(item)}.ris",
        post,
    )


@require_safe
def post_pdf(request, blog_slug, post_slug):
    post = find_post(request, blog_slug, post_slug)
    pdf = printing.post_pdf(post, request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{post.slug}.pdf"'
    return _private_if_preview(response, post)


@require_safe
def version_pdf(request, blog_slug, post_slug, number):
    """An earlier published version as PDF; like its page, not for search engines."""
    post = find_post(request, blog_slug, post_slug)
    version = get_object_or_404(post.versions, number=number)
    pdf = printing.version_pdf(version, request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{post.slug}-version-{version.number}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    return _private_if_preview(response, post)


UNAPI_FORMATS = (
    '<format name="ris" type="application/x-research-info-systems" '
    'docs="http://www.refman.com/support/risformat_intro.asp"/>'
)


@require_safe
def unapi(request):
    """unAPI: the formats a post's record comes in, and the record itself (RIS).

    Zotero's Embedded Metadata translator drops a page's keywords unless another
    translator calls it; its unAPI translator, which Zotero prefers when a page
    offers an unAPI server, imports the RIS record whole: topics as tags, abstract, DOI.
    The id is the post's CSL-JSON id, ``<blog>/<post>``.
    """
    item_id, wanted = request.GET.get("id", ""), request.GET.get("format", "")
    if not item_id:
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<formats>{UNAPI_FORMATS}</formats>'
        return HttpResponse(body, content_type="application/xml; charset=utf-8")
    blog_slug, _, post_slug = item_id.partition("/")
    if not blog_slug or not post_slug or "/" in post_slug:
        raise Http404("No such item.")
    if not wanted:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<formats id="{escape(item_id)}">{UNAPI_FORMATS}</formats>'
        )
        find_post(request, blog_slug, post_slug)  # a 404 for an item that is not there
        # unAPI answers "300 Multiple Choices" with the formats of a known item.
        return HttpResponse(body, content_type="application/xml; charset=utf-8", status=300)
    if wanted != "ris":
        return HttpResponse("Unknown format: ask for ris.", status=406, content_type="text/plain")
    return cite_ris(request, blog_slug, post_slug)


@require_safe
def style_list(request):
    """Style ids and titles matching ``?q=``, for the picker's suggestions."""
    query = request.GET.get("q", "").strip()[:100]
    found = styles.search(query, limit=20) if len(query) >= 2 else []
    return JsonResponse({"styles": [{"id": i, "title": t} for i, t in found]})
