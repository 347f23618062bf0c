"""Organisation admins register their administration's IdP themselves, for domains they proved.

A platform admin can bind an IdP to any organisations and domains (Wagtail admin). An
organisation admin may only register an IdP for their own unit, and only for e-mail domains
verified for that unit or a unit below it (``EmailDomain``, the mailbox link): otherwise the
admin of one town could point another town's addresses at an IdP they control and sign in as
its staff. IdPs serving several organisations (an IT provider's) stay the platform admins'.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import AuditEvent, EmailDomain, IdentityProvider, Organisation, User
from .audit import audit_record


def verified_domains_of(unit: Organisation) -> list[str]:
    return list(
        EmailDomain.objects.filter(
            organisation__path__startswith=unit.path, verified_at__isnull=False
        )
        .order_by("domain")
        .values_list("domain", flat=True)
    )


def identity_providers_of(unit: Organisation):
    """The IdPs an org admin of ``unit`` manages: bound to this unit and to nothing else."""
    own = IdentityProvider.objects.filter(organisations=unit)
    return [
        idp for idp in own.prefetch_related("organisations") if len(idp.organisations.all()) == 1
    ]


def identity_provider_slug(name: str, idp: IdentityProvider) -> str:
    """A free short name for the addresses (redirect URI) from the IdP's name."""
    base = slugify(name)[:50] or "idp"
    slug, counter = base, 2
    while IdentityProvider.objects.exclude(pk=idp.pk).filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def identity_provider_save(
    *, unit: Organisation, idp: IdentityProvider, domains: list[str], by: User
) -> IdentityProvider:
    """Validate and save an org admin's IdP for ``unit`` (``ValidationError`` in German when a
    domain is not verified for the unit, or the protocol's values are incomplete)."""
    allowed = set(verified_domains_of(unit))
    if not domains or not set(domains) <= allowed:
        raise ValidationError(
            {"domains": _("Choose at least one domain verified for your organisation.")}
        )
    idp.email_domains = "\n".join(sorted(set(domains)))
    if not idp.slug:
        idp.slug = identity_provider_slug(idp.name, idp)
    idp.full_clean()
    created = idp.pk is None
    idp.save()
    idp.organisations.set([unit])
    audit_record(
        actor=by,
        action=AuditEvent.Action.IDENTITY_PROVIDER,
        organisation=unit,
        detail={"idp": idp.name, "change": "created" if created else "changed"},
    )
    return idp
