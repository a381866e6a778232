import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from masthead.pages.models import Page
from masthead.search.service import Filters, NoSuchPage, search, suggestions

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
FACET_TITLES = {"blog": "Blog", "author": "Author", "topic": "Topic", "year": "Year"}


def read_filters(params) -> tuple[Filters, list[str]]:
    """The filters a reader chose; a value that cannot be one is left out, and said so."""
    notes = []
    values = {}
    for name in ("blog", "author", "topic"):
        raw = params.get(name, "")
        if raw and SLUG.match(raw):
            values[name] = raw
        elif raw:
            notes.append(f"The {name} filter “{raw[:40]}” is not one we know, so it was left out.")
    raw_year = params.get("year", "")
    if raw_year:
        if raw_year.isascii() and raw_year.isdigit() and 1000 <= int(raw_year[:5]) <= 9999:
            values["year"] = int(raw_year)
        else:
            notes.append(f"“{raw_year[:20]}” is not a year, so the year filter was left out.")
    return Filters(**values), notes


def link(text: str, filters: Filters, page: int | None = None) -> str:
    params = {"q": text, **filters.as_params()}
    if page and page > 1:
        params["page"] = str(page)
    return "?" + urlencode(params)


@require_safe
def search_page(request):
    text = request.GET.get("q", "")
    filters, notes = read_filters(request.GET)
    results = search(text, filters)
    query = results.query
    raw_page = request.GET.get("page", "1")
    try:
        number = int(raw_page) if raw_page.isascii() and raw_page.isdigit() else 0
        page = results.page(number, settings.MASTHEAD_SEARCH_RESULTS_PER_PAGE)
    except (ValueError, NoSuchPage):
        raise Http404(f"There is no page “{raw_page[:20]}” of these results.") from None
    facets = []
    for name, values in page.facets.items():
        if values:
            choices = [
                {
                    "label": value.label,
                    "count": value.count,
                    "selected": value.selected,
                    "url": link(
                        query.text,
                        filters.without(name) if value.selected
                        else filters.choosing(name, value.value),
                    ),
                }
                for value in values
            ]  # fmt: skip
            facets.append({"name": name, "title": FACET_TITLES[name], "choices": choices})
    context = {
        "search_text": query.text,
        "query": query,
        "notes": [*query.notes, *notes],
        "typed_nothing": not (text or "").strip(),
        "page": page,
        "hits": page.hits,
        # Standing pages are few: matched directly, above the posts, on the first page.
        "standing_pages": (
            Page.objects.matching(query.text)
            if page.number == 1 and not filters.as_params()
            else []
        ),
        "facets": facets,
        "filtered": bool(filters.as_params()),
        "clear_filters_url": link(query.text, Filters()),
        "previous_url": link(query.text, filters, page.number - 1) if page.has_previous() else "",
        "next_url": link(query.text, filters, page.number + 1) if page.has_next() else "",
    }
    response = render(request, "search/results.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@cache_control(max_age=60)
def suggest(request):
    """OpenSearch suggestions: [query, [titles], [descriptions], [addresses]]."""
    text = request.GET.get("q", "")
    posts = suggestions(text)
    return JsonResponse(
        [
            text[:200],
            [post.title for post in posts],
            [post.blog.name for post in posts],
            [request.build_absolute_uri(post.get_absolute_url()) for post in posts],
        ],
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def opensearch_description(request):
    context = {
        "search_url": request.build_absolute_uri(reverse("search:search")),
        "suggest_url": request.build_absolute_uri(reverse("search:suggest")),
        "icon_url": request.build_absolute_uri(static("masthead/favicon.svg")),
    }
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
