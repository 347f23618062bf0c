"""Single sign-on: a municipality's own identity provider, and who it may sign in.

An identity provider (IdP) is the directory a municipality or its IT provider already runs
(Active Directory / Entra ID, Keycloak, ADFS). It is bound to the organisations it serves and to
the e-mail domains it is authoritative for; it can sign in nobody else, whatever its tokens say.
People are matched by the IdP's stable subject (``SsoIdentity``), not only by e-mail address, so
a renamed mailbox keeps its account. ``SsoClaimMapping`` rows turn the directory's groups or
department claims into an organisation unit, job profiles and, where wanted, a role.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel

from .accounts import JobProfile, Membership, Organisation

DOMAIN_PATTERN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"


def parse_domains(text: str) -> list[str]:
    """One domain per line or separated by commas/spaces, lower-cased, without ``@``."""
    parts = text.replace(",", " ").split()
    return sorted({part.strip().lstrip("@").lower() for part in parts if part.strip()})


MFA_VALUES_DEFAULT = (
    "mfa otp hwk sms swk urn:kommunal-campus:mfa https://refeds.org/profile/mfa "
    "http://schemas.microsoft.com/claims/multipleauthn "
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"
)


class IdentityProvider(ClusterableModel):
    """An OpenID Connect or SAML 2.0 identity provider of one or more municipalities."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    name = models.CharField(
        _("Name"), max_length=120, help_text=_("Shown on the login page, e.g. “Stadt Köln”.")
    )
    slug = models.SlugField(
        _("Short name in addresses"),
        max_length=60,
        unique=True,
        help_text=_("Part of the redirect URI; do not change it once the IdP is registered."),
    )
    organisations = models.ManyToManyField(
        Organisation,
        related_name="identity_providers",
        verbose_name=_("Organisations"),
        help_text=_("The municipalities (or districts) whose staff this IdP signs in."),
    )
    email_domains = models.TextField(
        _("E-mail domains"),
        help_text=_(
            "One per line, e.g. stadt-koeln.de. Only addresses of these domains can sign in "
            "through this IdP."
        ),
    )
    protocol = models.CharField(
        _("Protocol"), max_length=4, choices=Protocol.choices, default=Protocol.OIDC
    )
    issuer_url = models.URLField(
        _("Issuer (discovery URL)"),
        max_length=300,
        blank=True,
        help_text=_("e.g. https://login.stadt-koeln.de/realms/verwaltung"),
    )
    client_id = models.CharField(_("Client ID"), max_length=200, blank=True)
    client_secret = models.CharField(_("Client secret"), max_length=500, blank=True)
    saml_metadata_url = models.URLField(
        _("IdP metadata URL"),
        max_length=300,
        blank=True,
        help_text=_(
            "e.g. https://adfs.stadt-koeln.de/FederationMetadata/2007-06/FederationMetadata.xml"
        ),
    )
    saml_metadata_xml = models.TextField(
        _("IdP metadata (content of the XML file)"),
        blank=True,
        help_text=_("Instead of a URL: paste the content of the IdP's metadata file."),
    )
    saml_entity_id = models.CharField(
        _("IdP entity ID"),
        max_length=300,
        blank=True,
        help_text=_("Only needed when the metadata describes several IdPs."),
    )
    mfa_from_idp = models.BooleanField(
        _("The IdP's second factor counts"),
        default=False,
        help_text=_(
            "When the IdP reports a second factor (amr or acr), nobody is asked for another one "
            "here."
        ),
    )
    mfa_values = models.CharField(
        _("amr/acr values meaning a second factor"),
        max_length=300,
        blank=True,
        default=MFA_VALUES_DEFAULT,
        help_text=_("For SAML: the AuthnContextClassRef values, separated by spaces."),
    )
    is_active = models.BooleanField(_("Active"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("organisations"),
        FieldPanel("email_domains"),
        FieldPanel("protocol"),
        MultiFieldPanel(
            [FieldPanel("issuer_url"), FieldPanel("client_id"), FieldPanel("client_secret")],
            heading=_("OpenID Connect"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("saml_metadata_url"),
                FieldPanel("saml_metadata_xml"),
                FieldPanel("saml_entity_id"),
            ],
            heading=_("SAML 2.0"),
        ),
        MultiFieldPanel(
            [FieldPanel("mfa_from_idp"), FieldPanel("mfa_values")], heading=_("Second factor")
        ),
        InlinePanel("mappings", heading=_("Claim mappings"), label=_("Claim mapping")),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("Identity provider (single sign-on)")
        verbose_name_plural = _("Identity providers (single sign-on)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return parse_domains(self.email_domains)

    def clean(self):
        super().clean()
        domains = self.domains
        bad = [d for d in domains if not re.match(DOMAIN_PATTERN, d)]
        if not domains or bad:
            raise ValidationError(
                {"email_domains": _("Please enter valid domains, e.g. stadt-koeln.de.")}
            )
        self.email_domains = "\n".join(domains)
        self._clean_protocol()
        if not self.slug:
            self.slug = slugify(self.name)[:60]
        clash = IdentityProvider.objects.exclude(pk=self.pk).filter(is_active=True)
        for other in clash:
            shared = set(other.domains) & set(domains)
            if shared:
                raise ValidationError(
                    {
                        "email_domains": _("%(domains)s already belongs to %(idp)s.")
                        % {"domains": ", ".join(sorted(shared)), "idp": other.name}
                    }
                )

    def _clean_protocol(self):
        """The fields the chosen protocol needs; SAML metadata pasted here must parse."""
        errors = {}
        if self.protocol == self.Protocol.OIDC:
            for field in ("issuer_url", "client_id", "client_secret"):
                if not getattr(self, field):
                    errors[field] = _("Required for OpenID Connect.")
        elif not (self.saml_metadata_url or self.saml_metadata_xml.strip()):
            errors["saml_metadata_url"] = _("Please give the metadata URL or the metadata file.")
        elif self.saml_metadata_xml.strip():
            from ..services.saml import saml_metadata_problem

            problem = saml_metadata_problem(self.saml_metadata_xml, self.saml_entity_id)
            if problem:
                errors["saml_metadata_xml"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def is_saml(self) -> bool:
        return self.protocol == self.Protocol.SAML


class SsoClaimMapping(models.Model):
    """If the directory says ``value`` in ``claim``, the person belongs to this unit, has
    these job profiles, and (optionally) this role."""

    identity_provider = ParentalKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="mappings"
    )
    claim = models.CharField(_("Claim"), max_length=60, default="groups")
    value = models.CharField(_("Value"), max_length=200)
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Organisation unit"),
    )
    job_profile = models.ForeignKey(
        JobProfile,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Job profile"),
    )
    role = models.CharField(_("Role"), max_length=20, choices=Membership.Role.choices, blank=True)

    panels = [
        FieldPanel("claim"),
        FieldPanel("value"),
        FieldPanel("unit"),
        FieldPanel("job_profile"),
        FieldPanel("role"),
    ]

    class Meta:
        verbose_name = _("Claim mapping")
        verbose_name_plural = _("Claim mappings")

    def __str__(self) -> str:
        return f"{self.claim} = {self.value}"


class SsoIdentity(models.Model):
    """A person as one IdP knows them: its stable subject identifier."""

    identity_provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identities"
    )
    subject = models.CharField(_("Subject"), max_length=255)
    last_login = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Single sign-on identity")
        verbose_name_plural = _("Single sign-on identities")
        constraints = [
            models.UniqueConstraint(
                fields=["identity_provider", "subject"], name="sso_identity_subject_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identity_provider}: {self.subject}"
