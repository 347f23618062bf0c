"""Legal currency of lessons: the laws and regulations a lesson rests on, and their changes.

Lesson texts on procurement or data law name paragraphs and thresholds that change with each
reform. A lesson cites ``LegalAct`` rows (with the paragraph and the version it was written
against) and carries a state date ("Stand") and a review-by date. When the competence centre
records a ``LegalActChange``, every live lesson citing one of its acts with a state date before
the change is *flagged*: derived from the dates, so a trainer clears it by revising the lesson
and moving its state date, and nothing has to be kept in sync.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from wagtail.search import index
from wagtail.snippets.models import register_snippet


@register_snippet
class LegalAct(index.Indexed, models.Model):
    """A law, regulation, directive or binding standard that lessons cite (e.g. GWB, VgV)."""

    class Kind(models.TextChoices):
        FEDERAL_LAW = "federal_law", _("Federal law")
        FEDERAL_REGULATION = "federal_regulation", _("Federal regulation")
        STATE_LAW = "state_law", _("State law or rule")
        EU_REGULATION = "eu_regulation", _("EU regulation")
        EU_DIRECTIVE = "eu_directive", _("EU directive")
        RULES = "rules", _("Procurement rules, standard or decision")

    abbreviation = models.CharField(_("Abbreviation"), max_length=60, unique=True)
    title = models.CharField(_("Title"), max_length=300)
    kind = models.CharField(_("Kind"), max_length=30, choices=Kind.choices)
    url = models.URLField(_("Official source"), blank=True)

    panels = [
        FieldPanel("abbreviation"),
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("url"),
    ]
    search_fields = [index.SearchField("abbreviation"), index.SearchField("title")]

    class Meta:
        ordering = ["abbreviation"]
        verbose_name = _("Legal source")
        verbose_name_plural = _("Legal sources")

    def __str__(self) -> str:
        return self.abbreviation


@register_snippet
class LegalActChange(models.Model):
    """A change of one or more legal sources recorded by the competence centre (a reform, new
    EU thresholds, a draft that lessons must watch). Lessons citing the acts are flagged."""

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced or in the legislative process")
        ADOPTED = "adopted", _("Adopted, not yet in force")
        IN_FORCE = "in_force", _("In force")

    title = models.CharField(_("Title"), max_length=300)
    acts = models.ManyToManyField(
        LegalAct, related_name="changes", verbose_name=_("Affected legal sources")
    )
    description = models.TextField(_("What changes"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    effective_on = models.DateField(_("In force from"), null=True, blank=True)
    recorded_on = models.DateField(
        _("Recorded on"),
        default=timezone.localdate,
        help_text=_("Lessons with an older state date that cite an affected source are flagged."),
    )
    url = models.URLField(_("Source"), blank=True)
    update_course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Short update course"),
        help_text=_(
            "A short course on what changed. HR can assign it to everyone who qualified on the "
            "earlier content."
        ),
    )
    trainers_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [
        FieldPanel("title"),
        FieldPanel("acts"),
        FieldPanel("description"),
        FieldPanel("status"),
        FieldPanel("effective_on"),
        FieldPanel("recorded_on"),
        FieldPanel("url"),
        FieldPanel("update_course"),
    ]

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("Change of a legal source")
        verbose_name_plural = _("Changes of legal sources")

    def __str__(self) -> str:
        return self.title


class LessonLegalSource(Orderable):
    """One citation of a lesson: the act, the paragraph and the version it was written against."""

    lesson = ParentalKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="legal_sources"
    )
    act = models.ForeignKey(
        LegalAct, on_delete=models.PROTECT, related_name="citations", verbose_name=_("Legal source")
    )
    reference = models.CharField(
        _("Provision"), max_length=120, blank=True, help_text=_("For example § 97 Abs. 4")
    )
    version_date = models.DateField(
        _("Version of"),
        null=True,
        blank=True,
        help_text=_("Date of the version of the provision the lesson was written against."),
    )

    panels = [FieldPanel("act"), FieldPanel("reference"), FieldPanel("version_date")]

    class Meta(Orderable.Meta):
        verbose_name = _("Legal basis")
        verbose_name_plural = _("Legal bases")

    def __str__(self) -> str:
        return f"{self.act} {self.reference}".strip()
