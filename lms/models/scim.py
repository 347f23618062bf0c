"""SCIM 2.0: a municipality's directory (Entra ID, Keycloak) provisions its people.

An organisation admin creates a ``ScimToken`` for one unit; the directory holding it sees and
changes only the people of that unit and its sub-units (``lms.scim``). Only a SHA-256 digest of
the token is stored. ``ScimAccount`` keeps what the directory said about a person beyond what
the platform stores anyway (its ``userName``, ``externalId`` and the name parts), so a resource
reads back as it was written; the platform's own records (address, name on certificates,
employment) stay the truth. ``ScimGroup`` is a directory group; an org admin may map it to a
unit and a job profile, so group membership places people like the SSO claim mappings do.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .accounts import JobProfile, Organisation


class ScimToken(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="scim_tokens",
        verbose_name=_("Organisation unit"),
    )
    name = models.CharField(_("Name"), max_length=120, help_text=_("e.g. “Entra ID Stadt Köln”"))
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("Token begins with"), max_length=8, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Created by"),
    )
    created_at = models.DateTimeField(_("Created on"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("Last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Directory token (SCIM)")
        verbose_name_plural = _("Directory tokens (SCIM)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ScimAccount(models.Model):
    """What a directory said about one person of its organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("Organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scim_accounts",
        verbose_name=_("Person"),
    )
    user_name = models.CharField(_("User name in the directory"), max_length=254)
    external_id = models.CharField(_("ID in the directory"), max_length=254, blank=True)
    attributes = models.JSONField(_("Attributes"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Directory account (SCIM)")
        verbose_name_plural = _("Directory accounts (SCIM)")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="scim_account_unique_person"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user_name"], name="scim_account_unique_user_name"
            ),
        ]

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("Organisation")
    )
    display_name = models.CharField(_("Name"), max_length=200)
    external_id = models.CharField(_("ID in the directory"), max_length=254, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="scim_groups", verbose_name=_("Members")
    )
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Places its members in this unit"),
    )
    job_profile = models.ForeignKey(
        JobProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Gives its members this job profile"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Directory group (SCIM)")
        verbose_name_plural = _("Directory groups (SCIM)")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "display_name"], name="scim_group_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name
