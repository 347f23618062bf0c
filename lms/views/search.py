"""The search page: one box in the header, results with facets by kind, for everyone (each
sees only what they may)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from ..selectors.search import site_search

MAX_PAGE = 50


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


@require_GET
def site_search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    kind = request.GET.get("art", "")
    results = site_search(
        request=request, query=query, kind=kind, page=_page_number(request.GET.get("seite"))
    )
    context = {
        "results": results,
        "query_string": urlencode({"q": results.query}),
        "pager_query": urlencode({"q": results.query, "art": results.kind}),
    }
    return render(request, "lms/search.html", context)
