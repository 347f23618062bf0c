"""Funding programmes (Förderlandschaft) and the standards catalogue, edited as snippets."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from .common import LAENDER, Topic


class FundingProgramme(models.Model):
    """A funding programme municipalities can apply to."""

    class Funder(models.TextChoices):
        FEDERAL = "bund", _("Federal government")
        LAND = "land", _("State (Land)")
        EU = "eu", _("European Union")

    name = models.CharField(_("Programme"), max_length=200)
    funder_level = models.CharField(_("Level"), max_length=4, choices=Funder.choices)
    funder = models.CharField(_("Funder"), max_length=200)
    land = models.CharField(
        _("State (Land)"),
        max_length=2,
        choices=LAENDER,
        blank=True,
        help_text=_("Only for programmes of one state."),
    )
    target_group = models.CharField(_("Target group"), max_length=255)
    funding_rate = models.CharField(_("Funding rate"), max_length=200)
    description = models.TextField(_("What is funded"), blank=True)
    accepting_applications = models.BooleanField(
        _("Applications possible"),
        default=True,
        help_text=_("Untick when no call is currently open."),
    )
    opens_on = models.DateField(_("Opens on"), null=True, blank=True)
    deadline = models.DateField(_("Deadline"), null=True, blank=True)
    deadline_note = models.CharField(
        _("Deadline note"),
        max_length=200,
        blank=True,
        help_text=_("For example: see the call for proposals."),
    )
    url = models.URLField(_("Link"))
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="funding_programmes", verbose_name=_("Topics")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("funder_level"),
        FieldPanel("funder"),
        FieldPanel("land"),
        FieldPanel("target_group"),
        FieldPanel("funding_rate"),
        FieldPanel("description"),
        FieldPanel("accepting_applications"),
        FieldPanel("opens_on"),
        FieldPanel("deadline"),
        FieldPanel("deadline_note"),
        FieldPanel("url"),
        FieldPanel("topics"),
    ]

    class Meta:
        verbose_name = _("Funding programme")
        verbose_name_plural = _("Funding programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return (
            self.accepting_applications
            and (self.opens_on is None or self.opens_on <= day)
            and (self.deadline is None or self.deadline >= day)
        )


class FundingSubscription(models.Model):
    """A person who wants a reminder before a programme's deadline."""

    programme = models.ForeignKey(
        FundingProgramme, on_delete=models.CASCADE, related_name="subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funding_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="funding_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.programme}"


class Standard(models.Model):
    """A standard for connected cities: what it is for, who maintains it, which courses teach it."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    slug = models.SlugField(_("Short name"), max_length=120, unique=True)
    purpose = models.TextField(_("What it is for"))
    maintainer = models.CharField(_("Maintained by"), max_length=255)
    url = models.URLField(_("Link"), blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="standards", verbose_name=_("Topics")
    )
    courses = models.ManyToManyField(
        "wagtailcore.Page",
        blank=True,
        related_name="+",
        verbose_name=_("Courses that teach it"),
    )
    course_topic = models.ForeignKey(
        "courses.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Course topic"),
        help_text=_(
            "Live courses of this topic are listed; while there is none, the standard counts as "
            "demand for a course."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("purpose"),
        FieldPanel("maintainer"),
        FieldPanel("url"),
        FieldPanel("topics"),
        FieldPanel("courses"),
        FieldPanel("course_topic"),
    ]

    class Meta:
        verbose_name = _("Standard")
        verbose_name_plural = _("Standards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
