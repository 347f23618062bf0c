"""A person's request to change the name their certificates carry.

People may change how they are addressed at once (``User.full_name``), but the name on
certificates (``User.verified_name``) changes only when HR of their organisation, another
person, confirms it, or when an authoritative source (HR record, the IdP) says so.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NameChangeRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="name_change_requests",
        verbose_name=_("Person"),
    )
    requested_name = models.CharField(_("Requested name"), max_length=200)
    previous_name = models.CharField(_("Previous name"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("Requested on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Decided by"),
    )
    decided_at = models.DateTimeField(_("Decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Name change request")
        verbose_name_plural = _("Name change requests")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="name_change_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous_name} → {self.requested_name}"
