"""Invitations: how a person HR added learns of their account and gets in.

The link carries a random token of which only the SHA-256 is stored; it works once and until
``expires_at``. Resending replaces the open invitation (the old link stops working).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("Person"),
    )
    organisation = models.ForeignKey("lms.Organisation", on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("Invited on"), default=timezone.now)
    expires_at = models.DateTimeField(_("Valid until"))
    sent_at = models.DateTimeField(_("Mailed on"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("Accepted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Invitation")
        verbose_name_plural = _("Invitations")
        indexes = [models.Index(fields=["user", "-created_at"], name="invitation_user_latest")]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.created_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
