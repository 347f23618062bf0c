"""Shared vocabulary of the CDO network: topics, Länder, size classes and the send-once log.

Size classes follow the BBSR's grouping of municipalities by population (Landgemeinde,
Kleinstadt, Mittelstadt, Großstadt); they drive the directory filter and the anonymous
comparison in the stocktaking.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LAENDER = [
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("BE", "Berlin"),
    ("BB", "Brandenburg"),
    ("HB", "Bremen"),
    ("HH", "Hamburg"),
    ("HE", "Hessen"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("SH", "Schleswig-Holstein"),
    ("TH", "Thüringen"),
]
LAND_BY_NAME = {name: code for code, name in LAENDER}


class SizeClass(models.TextChoices):
    RURAL = "rural", _("Rural municipality (under 5,000)")
    SMALL = "small", _("Small town (5,000 to 20,000)")
    MEDIUM = "medium", _("Medium-sized town (20,000 to 100,000)")
    LARGE = "large", _("City (100,000 and more)")
    DISTRICT = "district", _("District (Landkreis)")

    @classmethod
    def for_population(cls, population: int) -> "SizeClass":
        if population < 5_000:
            return cls.RURAL
        if population < 20_000:
            return cls.SMALL
        if population < 100_000:
            return cls.MEDIUM
        return cls.LARGE


class Topic(models.Model):
    """A subject people, circles and projects share (e.g. open data, smart mobility)."""

    name = models.CharField(_("Name"), max_length=80, unique=True)
    slug = models.SlugField(_("Short name"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("Topic")
        verbose_name_plural = _("Topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityFacts(models.Model):
    """Population and Land of a municipality or district: the basis of its size class."""

    organisation = models.OneToOneField(
        "lms.Organisation",
        on_delete=models.CASCADE,
        related_name="cdo_facts",
        verbose_name=_("Organisation"),
    )
    population = models.PositiveIntegerField(_("Population"))
    land = models.CharField(_("State (Land)"), max_length=2, choices=LAENDER)
    size_class = models.CharField(_("Size class"), max_length=10, choices=SizeClass.choices)

    class Meta:
        verbose_name = _("Municipality facts")
        verbose_name_plural = _("Municipality facts")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_size_class_display()})"


class NotificationLog(models.Model):
    """One row per mail that must go out only once (reminders, digests, promotions).

    The unique constraint is what makes the Celery tasks idempotent: a second run fails to
    insert and therefore sends nothing.
    """

    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "key"], name="cdo_notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
