"""Writes to the search index (``lms.models.SearchEntry``): replace a source's rows, remove
them, rebuild everything.

Apps register what they make findable: ``register_page_indexer`` for a Wagtail page type (the
rows are written when a page is published, moved or unpublished, see ``lms.signals``) and
``register_source`` for other models (their own signals call ``search_index_replace``). Rows are
written in the caller's transaction, so the index never shows content that was rolled back.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Func
from django.db.models.functions import Left

from ..models import SearchEntry, SearchTerm
from ..search_text import term_document, vocabulary


@dataclass(frozen=True)
class SearchDocument:
    """One findable thing, as an app describes it."""

    key: str
    kind: str
    title: str
    url: str
    audience: str = SearchEntry.Audience.PUBLIC
    body: str = ""
    context: str = ""
    circle_id: int | None = None
    page_path: str = ""


PageIndexer = Callable[[object], list[SearchDocument]]
_page_indexers: dict[type, PageIndexer] = {}
_sources: dict[str, Callable[[], Iterable[tuple[str, list[SearchDocument]]]]] = {}
# Suggestions for misspellings come from these kinds only: never from discussions in circles or
# from people's directory entries.
VOCABULARY_KINDS = {
    SearchEntry.Kind.COURSE,
    SearchEntry.Kind.LESSON,
    SearchEntry.Kind.GLOSSARY,
    SearchEntry.Kind.EVENT,
    SearchEntry.Kind.PROJECT,
    SearchEntry.Kind.FUNDING,
    SearchEntry.Kind.STANDARD,
}


def register_page_indexer(page_model: type, indexer: PageIndexer) -> None:
    _page_indexers[page_model] = indexer


def register_source(name: str, all_documents: Callable) -> None:
    """``all_documents()`` yields ``(source, documents)`` for every object, for a rebuild."""
    _sources[name] = all_documents


def page_source(page) -> str:
    return f"page:{page.pk}"


def page_indexer_for(page) -> PageIndexer | None:
    return _page_indexers.get(type(page))


class Fold(Func):
    """``lms.search_text.fold`` in SQL (lower case, umlauts and ß spelled out)."""

    template = (
        "replace(replace(replace(replace(lower(%(expressions)s), 'ä', 'ae'), 'ö', 'oe'), "
        "'ü', 'ue'), 'ß', 'ss')"
    )


RANKED_BODY_CHARS = 1000


def _postgres_document(body):
    """Titles weigh most (A), then the text (B), then the context line (C)."""
    return (
        SearchVector(Fold("title"), weight="A", config="german")
        + SearchVector(Fold(body), weight="B", config="german")
        + SearchVector(Fold("context"), weight="C", config="german")
    )


def _write(batch: dict[str, list[SearchDocument]]) -> None:
    SearchEntry.objects.filter(source__in=list(batch)).delete()
    postgres = connection.vendor == "postgresql"
    rows, words = [], set()
    for source, documents in batch.items():
        for document in documents:
            rows.append(
                SearchEntry(
                    key=document.key,
                    source=source,
                    kind=document.kind,
                    title=document.title[:300],
                    context=document.context[:300],
                    body=document.body,
                    url=document.url[:500],
                    audience=document.audience,
                    circle_id=document.circle_id,
                    page_path=document.page_path,
                    document=(
                        ""
                        if postgres
                        else term_document(document.title, f"{document.body}\n{document.context}")
                    ),
                )
            )
            if document.kind in VOCABULARY_KINDS:
                words |= vocabulary(f"{document.title} {document.body}")
    SearchEntry.objects.bulk_create(rows, batch_size=500)
    if postgres and rows:
        SearchEntry.objects.filter(source__in=list(batch)).update(
            document=_postgres_document("body"),
            rank_document=_postgres_document(Left("body", RANKED_BODY_CHARS)),
        )
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(word=word) for word in sorted(words)],
            batch_size=1000,
            ignore_conflicts=True,
        )


def search_index_replace(source: str, documents: list[SearchDocument]) -> None:
    """Make ``documents`` the rows of ``source`` (none: the source is not findable)."""
    _write({source: documents})


def search_index_remove(source: str) -> None:
    SearchEntry.objects.filter(source=source).delete()


def search_index_page(page) -> None:
    """Index a page as it is live now; a page that is not live or not findable has no rows."""
    from wagtail.models import Page

    page = page.specific_deferred if type(page) is Page else page
    indexer = page_indexer_for(page)
    if indexer is None:
        return
    documents = indexer(page) if page.live else []
    search_index_replace(page_source(page), documents)


def search_index_subtree(page) -> None:
    """Re-index a page and every live page below it (after a move: their paths changed)."""
    from wagtail.models import Page

    for descendant in Page.objects.descendant_of(page, inclusive=True).specific():
        if page_indexer_for(descendant) is not None:
            search_index_page(descendant)


def search_rebuild(*, batch_size: int = 200) -> int:
    """Rebuild the whole index from the content; returns the number of rows."""
    SearchEntry.objects.all().delete()
    batch: dict[str, list[SearchDocument]] = {}

    def flush():
        if batch:
            _write(batch)
            batch.clear()

    for model, indexer in _page_indexers.items():
        for page in model.objects.live().order_by("path").iterator(chunk_size=batch_size):
            batch[page_source(page)] = indexer(page)
            if len(batch) >= batch_size:
                flush()
    for all_documents in _sources.values():
        for source, documents in all_documents():
            batch[source] = documents
            if len(batch) >= batch_size:
                flush()
    flush()
    return SearchEntry.objects.count()
