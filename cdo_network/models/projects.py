"""The best-practice project database (Projektdatenbank) as Wagtail pages.

Members submit projects through a form; the page is created unpublished and goes through
Wagtail's moderation workflow before anyone else sees it. Long texts are Markdown, rendered and
sanitised with nh3 on output.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .common import LAENDER


class ProjectField(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration")
    MOBILITY = "mobility", _("Mobility")
    ENERGY = "energy", _("Energy and climate")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health and care")
    COMMERCE = "commerce", _("Retail and city centres")
    DATA = "data", _("Data and platforms")
    PARTICIPATION = "participation", _("Participation")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")


class BudgetRange(models.TextChoices):
    UNDER_50K = "lt50k", _("under 50,000 €")
    UP_TO_250K = "lt250k", _("50,000 to 250,000 €")
    UP_TO_1M = "lt1m", _("250,000 € to 1 million €")
    OVER_1M = "gt1m", _("over 1 million €")


class ProjectIndexPage(Page):
    """Faceted search over the published projects."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cdo_network.ProjectPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Project database")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import projects_search

        context = super().get_context(request, *args, **kwargs)
        context.update(projects_search(index=self, params=request.GET), network_section="projects")
        return context


class ProjectPage(Page):
    """One project of a municipality, with what came of it."""

    municipality = models.CharField(_("Municipality"), max_length=150)
    land = models.CharField(_("State (Land)"), max_length=2, choices=LAENDER)
    field = models.CharField(_("Field"), max_length=20, choices=ProjectField.choices)
    status = models.CharField(_("Status"), max_length=10, choices=ProjectStatus.choices)
    budget_range = models.CharField(_("Budget"), max_length=10, choices=BudgetRange.choices)
    funding_used = models.CharField(_("Funding used"), max_length=255, blank=True)
    partners = models.TextField(_("Partners"), blank=True)
    summary = models.TextField(_("What the project does"), help_text=_("Markdown is allowed."))
    outcomes = models.TextField(_("Outcomes"), blank=True, help_text=_("Markdown is allowed."))
    lessons_learned = models.TextField(
        _("Lessons learned"), blank=True, help_text=_("Markdown is allowed.")
    )
    contact = models.CharField(_("Contact"), max_length=255, blank=True)
    is_example = models.BooleanField(
        _("Invented example"),
        default=False,
        help_text=_("Marks demo content that describes no real project."),
    )
    related_courses = ParentalManyToManyField(
        "wagtailcore.Page", blank=True, related_name="+", verbose_name=_("Related courses")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Submitted by"),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("municipality"),
                FieldPanel("land"),
                FieldPanel("field"),
                FieldPanel("status"),
                FieldPanel("budget_range"),
                FieldPanel("funding_used"),
                FieldPanel("is_example"),
            ],
            heading=_("Facts"),
        ),
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        FieldPanel("lessons_learned"),
        FieldPanel("partners"),
        FieldPanel("contact"),
        InlinePanel("documents", label=_("Documents")),
        FieldPanel("related_courses"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("municipality"),
        index.FilterField("field"),
        index.FilterField("status"),
    ]
    parent_page_types = ["cdo_network.ProjectIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Project")
        verbose_name_plural = _("Projects")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["network_section"] = "projects"
        return context


class ProjectDocument(Orderable):
    """A document of a project (report, tender, evaluation) from Wagtail's document library."""

    page = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("document")]
