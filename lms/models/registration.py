"""Self-registration by e-mail domain, for the many small municipalities without an IdP.

An organisation admin lists the domains of the administration's mailboxes (``EmailDomain``);
each is verified by a link mailed to a mailbox at that domain and belongs to one organisation
only. Anyone with an address of a verified domain may then register (``Registration``): the
account is created when they confirm their address, as an employee of that organisation, with
the name they typed kept off certificates until HR confirms it. Where the organisation wants
it, HR approves each registration before the person can sign in.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import Organisation


class EmailDomain(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="email_domains",
        verbose_name=_("Organisation"),
    )
    domain = models.CharField(_("Domain"), max_length=253, unique=True)
    verification_address = models.EmailField(_("Verified through the mailbox"))
    token_hash = models.CharField(max_length=64, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(_("Verified on"), null=True, blank=True)
    self_registration = models.BooleanField(
        _("Self-registration"),
        default=True,
        help_text=_("Anyone with an address of this domain may register as an employee."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Added by"),
    )
    created_at = models.DateTimeField(_("Added on"), default=timezone.now)

    class Meta:
        verbose_name = _("E-mail domain")
        verbose_name_plural = _("E-mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Registration(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Address not yet confirmed")
        AWAITING_APPROVAL = "awaiting", _("Waiting for HR")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("Organisation")
    )
    email = models.EmailField(_("E-mail address"))
    full_name = models.CharField(_("Name"), max_length=200)
    password = models.CharField(max_length=200)  # the hash, as User.password
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    created_at = models.DateTimeField(_("Registered on"), default=timezone.now)
    expires_at = models.DateTimeField(_("Confirm until"))
    confirmed_at = models.DateTimeField(_("Address confirmed on"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("Person"),
    )
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
        verbose_name = _("Self-registration")
        verbose_name_plural = _("Self-registrations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"
