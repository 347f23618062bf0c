"""The site-wide search: what a person may find, ranked, with facets and highlighted passages.

PostgreSQL matches with its German full-text configuration (stems, every word as a prefix, so
"Vergabe" finds "Vergabeverfahren" and "barrierefrei" finds "Barrierefreie") and ranks titles
above text (weights A/B/C). The embedded SQLite default matches German Snowball stems as word
prefixes and ranks in Python: the same things are found in the demo content. A query without
any hit is retried with the closest known words (trigram similarity on PostgreSQL, ``difflib``
on SQLite), so "Vergbae" still finds "Vergabe".
"""

import difflib
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..models import SearchEntry, SearchTerm
from ..search_text import highlight, query_tokens, stem, stems
from ..services.access import page_paths_hidden_from

PAGE_SIZE = 20
SQLITE_CANDIDATES = 2000
# What one result is (the facets use the plural names of ``SearchEntry.Kind``).
HIT_LABELS = {
    SearchEntry.Kind.COURSE: _("Course"),
    SearchEntry.Kind.LESSON: _("Lesson"),
    SearchEntry.Kind.GLOSSARY: _("Glossary term"),
    SearchEntry.Kind.EVENT: _("Event"),
    SearchEntry.Kind.PROJECT: _("Project"),
    SearchEntry.Kind.FUNDING: _("Funding programme"),
    SearchEntry.Kind.STANDARD: _("Standard"),
    SearchEntry.Kind.THREAD: _("Discussion"),
    SearchEntry.Kind.PERSON: _("Directory entry"),
}


@dataclass
class SearchHit:
    kind: str
    kind_label: str
    title: str
    url: str
    context: str
    snippet: str
    fragment_url: str


@dataclass
class SearchResults:
    query: str
    kind: str = ""
    hits: list[SearchHit] = field(default_factory=list)
    facets: list[tuple[str, str, int]] = field(default_factory=list)
    total: int = 0
    page: int = 1
    num_pages: int = 0
    corrected: str = ""

    @property
    def searched(self) -> bool:
        return bool(self.query)


def visible_entries(request):
    """Rows ``request.user`` may find: public ones outside pages hidden from them by page
    privacy, members' ones for network members, a closed circle's for its active members."""
    from cdo_network.models import CircleMembership
    from cdo_network.selectors import is_network_member

    user = request.user
    audience = Q(audience=SearchEntry.Audience.PUBLIC)
    if is_network_member(user):
        audience |= Q(audience=SearchEntry.Audience.MEMBERS)
        if user.is_superuser:
            audience |= Q(audience=SearchEntry.Audience.CIRCLE)
        else:
            circles = CircleMembership.objects.filter(
                user=user, status=CircleMembership.Status.ACTIVE
            ).values("circle_id")
            audience |= Q(audience=SearchEntry.Audience.CIRCLE, circle_id__in=circles)
    entries = SearchEntry.objects.filter(audience)
    for path in page_paths_hidden_from(request):
        entries = entries.exclude(page_path__startswith=path)
    return entries


def _postgres_match(entries, tokens):
    query = SearchQuery(
        " & ".join(f"{token}:*" for token in tokens), search_type="raw", config="german"
    )
    return entries.filter(document=query).annotate(rank=SearchRank(F("rank_document"), query))


@contextmanager
def _through_the_text_index():
    """Match through the GIN index only. The planner prices ``@@`` on a row as cheap and picks
    a sequential scan for broad queries ("Vergabe" matches half of a large curriculum), which
    then decompresses every row's full text vector: ~50 ms instead of ~4 ms at 13,000 rows
    (``make bench-search``). Scoped to this transaction (``set_config(..., true)``)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', 'on', true)")


def _sqlite_match(entries, tokens):
    for token in tokens:
        entries = entries.filter(document__contains=f" {stem(token)}")
    return entries


def _sqlite_rank(entry, query_stems) -> float:
    title = stems(entry.title)
    body = stems(entry.body)
    score = 0.0
    for query_stem in query_stems:
        score += 4 * sum(word.startswith(query_stem) for word in title)
        score += min(10, sum(word.startswith(query_stem) for word in body)) * 0.1
    return score


def _closest_word(token: str) -> str:
    """The known word nearest to a token that may be misspelt ("" if none is near)."""
    if connection.vendor == "postgresql":
        match = (
            SearchTerm.objects.filter(word__trigram_similar=token)
            .annotate(similarity=TrigramSimilarity("word", token))
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        return match or ""
    words = SearchTerm.objects.filter(word__startswith=token[:1]).values_list("word", flat=True)
    close = difflib.get_close_matches(token, list(words), n=1, cutoff=0.75)
    return close[0] if close else ""


def _corrected_tokens(tokens: list[str]) -> list[str]:
    known = set(SearchTerm.objects.filter(word__in=tokens).values_list("word", flat=True))
    corrected = []
    for token in tokens:
        if token in known or len(token) < 4 or token.isdigit():
            corrected.append(token)
        else:
            corrected.append(_closest_word(token) or token)
    return corrected


def _hit(entry, tokens) -> SearchHit:
    snippet, word = highlight(entry.body or entry.title, tokens)
    fragment = entry.url
    if word and "#" not in entry.url:
        # A text fragment: the browser scrolls to the passage and highlights it.
        fragment = f"{entry.url}#:~:text={quote(word)}"
    return SearchHit(
        kind=entry.kind,
        kind_label=HIT_LABELS[entry.kind],
        title=entry.title,
        url=entry.url,
        context=entry.context,
        snippet=mark_safe(snippet),  # noqa: S308 - escaped by highlight(), marks added there
        fragment_url=fragment,
    )


def _search(entries, tokens, kind, page):
    """(facets, total, page entries) for the tokens; ranked best first."""
    labels = dict(SearchEntry.Kind.choices)
    postgres = connection.vendor == "postgresql"
    matched = (_postgres_match if postgres else _sqlite_match)(entries, tokens)
    if postgres:
        selected = matched.filter(kind=kind) if kind else matched
        offset = (page - 1) * PAGE_SIZE
        with _through_the_text_index():
            counts = dict(
                matched.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n")
            )
            rows = list(
                selected.defer("document", "rank_document").order_by("-rank", "title", "pk")[
                    offset : offset + PAGE_SIZE
                ]
            )
        total = counts.get(kind, 0) if kind else sum(counts.values())
    else:
        candidates = list(matched.defer("document", "rank_document")[:SQLITE_CANDIDATES])
        counts = {}
        for entry in candidates:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
        query_stems = [stem(token) for token in tokens]
        selected = [entry for entry in candidates if not kind or entry.kind == kind]
        selected.sort(key=lambda entry: (-_sqlite_rank(entry, query_stems), entry.title))
        total = len(selected)
        rows = selected[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    facets = [(value, label, counts[value]) for value, label in labels.items() if counts.get(value)]
    return facets, total, rows


def site_search(*, request, query: str, kind: str = "", page: int = 1) -> SearchResults:
    """Search everything ``request.user`` may see for ``query``; ``kind`` narrows to one facet."""
    query = (query or "").strip()[:200]
    kind = kind if kind in SearchEntry.Kind.values else ""
    results = SearchResults(query=query, kind=kind)
    tokens = query_tokens(query)
    if not tokens:
        return results
    entries = visible_entries(request)
    facets, total, rows = _search(entries, tokens, kind, page)
    if not facets:
        corrected = _corrected_tokens(tokens)
        if corrected != tokens:
            facets, total, rows = _search(entries, corrected, kind, page)
            if facets:
                tokens = corrected
                results.corrected = " ".join(corrected)
    results.facets = facets
    results.total = total
    results.page = page
    results.num_pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    results.hits = [_hit(entry, tokens) for entry in rows]
    return results


def matching_page_entries(*, request, query: str, path_prefix: str, kinds: list[str]) -> list:
    """Visible rows of the given kinds below ``path_prefix`` that match ``query``, best first
    (the catalogue finds courses by their own text and by their lessons' text)."""
    tokens = query_tokens(query)
    if not tokens:
        return []
    entries = visible_entries(request).filter(kind__in=kinds, page_path__startswith=path_prefix)
    if connection.vendor == "postgresql":
        matched = _postgres_match(entries, tokens).order_by("-rank", "title")
        with _through_the_text_index():
            return list(matched.defer("document", "rank_document", "body")[:500])
    query_stems = [stem(token) for token in tokens]
    rows = list(
        _sqlite_match(entries, tokens).defer("document", "rank_document")[:SQLITE_CANDIDATES]
    )
    rows.sort(key=lambda entry: (-_sqlite_rank(entry, query_stems), entry.title))
    return rows
