"""Digital stocktaking (Bestandsaufnahme): a municipality's self-assessment of digital maturity.

Answers are kept as submitted; scores per dimension are computed once when the assessment is
completed and stored, so comparisons across municipalities are one aggregate query.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import SizeClass


class Dimension(models.TextChoices):
    STRATEGY = "strategy", _("Strategy")
    ORGANISATION = "organisation", _("Organisation and CDO")
    DATA = "data", _("Data")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SERVICES = "services", _("Services")
    SKILLS = "skills", _("Skills")


# Three statements per dimension, each answered on a scale from 1 (not at all) to 5 (fully).
QUESTIONS: dict[str, list[tuple[str, str]]] = {
    Dimension.STRATEGY: [
        ("strategy_1", _("Our municipality has an adopted digital strategy.")),
        ("strategy_2", _("The strategy has measurable goals that are reviewed regularly.")),
        ("strategy_3", _("Digital projects have their own budget.")),
    ],
    Dimension.ORGANISATION: [
        ("organisation_1", _("A CDO or digital officer is named and has a mandate.")),
        ("organisation_2", _("Departments work together on digital projects.")),
        ("organisation_3", _("Processes are reviewed before they are digitised.")),
    ],
    Dimension.DATA: [
        ("data_1", _("We know which data we hold and who is responsible for it.")),
        ("data_2", _("We publish open data in machine-readable formats.")),
        ("data_3", _("We use data for decisions (dashboards, analyses).")),
    ],
    Dimension.INFRASTRUCTURE: [
        ("infrastructure_1", _("Workplaces have up-to-date hardware and software.")),
        ("infrastructure_2", _("Information security is managed (e.g. to BSI IT-Grundschutz).")),
        ("infrastructure_3", _("Broadband and public Wi-Fi cover the municipality.")),
    ],
    Dimension.SERVICES: [
        ("services_1", _("The most requested services can be applied for online.")),
        ("services_2", _("Online services are connected to the back-office systems.")),
        ("services_3", _("Citizens' feedback improves our online services.")),
    ],
    Dimension.SKILLS: [
        ("skills_1", _("Staff receive regular training in digital skills.")),
        ("skills_2", _("Managers actively support digital change.")),
        ("skills_3", _("We have enough IT and data specialists.")),
    ],
}
SCALE = [
    (1, _("not at all")),
    (2, _("hardly")),
    (3, _("partly")),
    (4, _("largely")),
    (5, _("fully")),
]


class Assessment(models.Model):
    """One completed self-assessment of an organisation."""

    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.CASCADE,
        related_name="cdo_assessments",
        verbose_name=_("Organisation"),
    )
    size_class = models.CharField(_("Size class"), max_length=10, choices=SizeClass.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answers = models.JSONField(default=dict)
    # One column per dimension (1.0–5.0) so comparisons aggregate in SQL.
    strategy = models.DecimalField(max_digits=3, decimal_places=2)
    organisation_score = models.DecimalField(max_digits=3, decimal_places=2)
    data = models.DecimalField(max_digits=3, decimal_places=2)
    infrastructure = models.DecimalField(max_digits=3, decimal_places=2)
    services = models.DecimalField(max_digits=3, decimal_places=2)
    skills = models.DecimalField(max_digits=3, decimal_places=2)

    SCORE_FIELDS = {
        Dimension.STRATEGY: "strategy",
        Dimension.ORGANISATION: "organisation_score",
        Dimension.DATA: "data",
        Dimension.INFRASTRUCTURE: "infrastructure",
        Dimension.SERVICES: "services",
        Dimension.SKILLS: "skills",
    }

    class Meta:
        verbose_name = _("Digital stocktaking")
        verbose_name_plural = _("Digital stocktakings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.created_at:%Y-%m-%d}"

    def scores(self) -> dict[str, float]:
        return {dim: float(getattr(self, field)) for dim, field in self.SCORE_FIELDS.items()}


class Recommendation(models.Model):
    """A course or project recommended when a dimension is among the weakest."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        PROJECT = "project", _("Project")

    dimension = models.CharField(_("Dimension"), max_length=20, choices=Dimension.choices)
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Page"),
        help_text=_("The course or project page; leave empty to recommend a course topic."),
    )
    course_topic = models.ForeignKey(
        "courses.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Course topic"),
        help_text=_(
            "For course recommendations: the live courses of this topic are offered; while there "
            "is none, the recommendation counts as demand for a course."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Recommendation")
        verbose_name_plural = _("Recommendations")
        ordering = ["dimension", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "title"], name="recommendation_unique")
        ]

    def __str__(self) -> str:
        return self.title
