"""The platform's one search index: a row per findable thing, whatever app it belongs to.

Each app says what it makes findable (``courses/search_documents.py``,
``cdo_network/search_documents.py``); rows are written in the same transaction as the content
(so a rolled-back publish leaves no row behind) and read by ``lms.selectors.search``. Who may
see a row is decided when searching, from ``audience``, ``circle_id`` and the page's tree path
(page privacy), so a changed membership or restriction needs no re-indexing.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocumentField(SearchVectorField):
    """The searchable document: a weighted ``tsvector`` (German configuration) on PostgreSQL,
    the text of German Snowball stems on the embedded SQLite default (where ``SearchQuery``
    is never used on it)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Courses")
        LESSON = "lesson", _("Lessons")
        GLOSSARY = "glossary", _("Glossary terms")
        EVENT = "event", _("Events")
        PROJECT = "project", _("Projects")
        FUNDING = "funding", _("Funding programmes")
        STANDARD = "standard", _("Standards")
        THREAD = "thread", _("Expert circle discussions")
        PERSON = "person", _("Directory")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone who may see the page")
        MEMBERS = "members", _("Network members")
        CIRCLE = "circle", _("Active members of one closed circle")

    # "page:12", "page:12:glossary:3", "thread:7": one source object may own several rows,
    # all keyed below its own prefix so they are replaced together.
    key = models.CharField(max_length=80, unique=True)
    source = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    context = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    circle_id = models.PositiveIntegerField(null=True, blank=True)
    page_path = models.CharField(max_length=255, blank=True, db_index=True)
    document = SearchDocumentField(blank=True, default="")
    # PostgreSQL only: title, context and the text's first 1,000 characters, small enough to stay
    # in the row. Matching uses ``document`` through its GIN index (never reading the large
    # vector itself); ranking reads this one, so a broad query does not decompress thousands of
    # full documents.
    rank_document = SearchDocumentField(blank=True, default="")
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Search entry")
        verbose_name_plural = _("Search entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class SearchTerm(models.Model):
    """A word of public content, offered as the correction of a misspelt query word.

    Only words of content everyone may find go in here (never a closed circle's discussion or a
    directory entry), so a suggestion cannot reveal hidden text."""

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("Search term")
        verbose_name_plural = _("Search terms")

    def __str__(self) -> str:
        return self.word
