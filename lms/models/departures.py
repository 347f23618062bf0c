"""Former staff: an employment that ended.

Ending an employment (by HR, an HR sync or SCIM) removes the membership, so the person leaves
the matrix and its counts at once; this row keeps what HR needs afterwards: who left which unit
when, and until when their records are kept. The person's enrolments and certificates stay (a
certificate belongs to the person). When they come back, the row is closed (``returned_at``)
and they find their history again.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import Organisation


class Departure(models.Model):
    class Source(models.TextChoices):
        HR = "hr", _("Ended by HR")
        SYNC = "sync", _("HR system sync")
        SCIM = "scim", _("Directory (SCIM)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="departures",
        verbose_name=_("Person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="departures",
        verbose_name=_("Organisation unit"),
    )
    left_on = models.DateField(_("Left on"), default=timezone.localdate)
    source = models.CharField(_("Ended through"), max_length=8, choices=Source.choices)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Ended by"),
    )
    returned_at = models.DateTimeField(_("Returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Former employment")
        verbose_name_plural = _("Former employments")
        ordering = ["-left_on"]
        indexes = [models.Index(fields=["organisation", "returned_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} left {self.organisation_id} on {self.left_on}"
