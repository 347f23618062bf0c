"""The demo's single sign-on: "Stadt Köln" signs its staff in through its own directory.

``make run`` starts a real OpenID Provider (npm ``oidc-provider``, the same configuration the SSO
tests use, ``tests/peers/oidc_idp.mjs``) next to the platform when Node.js and the npm packages
are there, and registers it as Köln's identity provider, as an IT department would from
``docs/sso-einrichten.md``: bound to Stadt Köln and the demo domain, with claim mappings to a
unit, a job profile and the HR role. The people below exist only in that directory; their first
sign-in creates them (just-in-time provisioning).
"""

from __future__ import annotations

from lms.models import IdentityProvider, JobProfile, Membership, Organisation, SsoClaimMapping

DEMO_SSO_DOMAIN = "koeln.demo.kommunal-campus.de"
DEMO_IDP_SLUG = "demo-koeln"
DEMO_IDP_CLIENT_ID = "kommunal-campus-demo"
DEMO_IDP_CLIENT_SECRET = "demo-geheimnis-nur-lokal"  # noqa: S105 (a local demo IdP)
DEMO_IDP_PASSWORD = "richtig"  # noqa: S105 (what the demo IdP's form accepts, printed)

# login at the IdP → the claims its ID token carries
DEMO_DIRECTORY = {
    "anna": {
        "email": f"anna.schmidt@{DEMO_SSO_DOMAIN}",
        "name": "Anna Schmidt",
        "given_name": "Anna",
        "family_name": "Schmidt",
        "department": "Kundenzentren",
        "groups": ["buergerservice"],
    },
    "yusuf": {
        "email": f"yusuf.demir@{DEMO_SSO_DOMAIN}",
        "name": "Yusuf Demir",
        "given_name": "Yusuf",
        "family_name": "Demir",
        "department": "Personal- und Verwaltungsmanagement",
        "groups": ["personalamt"],
    },
}


def demo_idp_config(port: int) -> dict:
    """What ``tests/peers/oidc_idp.mjs`` reads: its port, our client, the directory."""
    return {
        "port": port,
        "clients": [{"client_id": DEMO_IDP_CLIENT_ID, "client_secret": DEMO_IDP_CLIENT_SECRET}],
        "accounts": DEMO_DIRECTORY,
    }


def demo_idp_register(issuer: str) -> IdentityProvider:
    """Köln's IdP with its mappings (idempotent; the issuer follows the port it runs on)."""
    koeln = Organisation.objects.get(name="Stadt Köln")
    idp, _created = IdentityProvider.objects.update_or_create(
        slug=DEMO_IDP_SLUG,
        defaults={
            "name": "Stadt Köln (Demo-Verzeichnis)",
            "protocol": IdentityProvider.Protocol.OIDC,
            "email_domains": DEMO_SSO_DOMAIN,
            "issuer_url": issuer,
            "client_id": DEMO_IDP_CLIENT_ID,
            "client_secret": DEMO_IDP_CLIENT_SECRET,
            "mfa_from_idp": True,
            "is_active": True,
        },
    )
    idp.organisations.set([koeln])
    units = {unit.name: unit for unit in koeln.get_children()}
    mappings = [
        ("department", "Kundenzentren", {"unit": units["Kundenzentren"]}),
        (
            "department",
            "Personal- und Verwaltungsmanagement",
            {"unit": units["Personal- und Verwaltungsmanagement"]},
        ),
        (
            "groups",
            "buergerservice",
            {"job_profile": JobProfile.objects.get(name="Sachbearbeitung Bürgeramt")},
        ),
        ("groups", "personalamt", {"role": Membership.Role.HR}),
    ]
    for claim, value, target in mappings:
        SsoClaimMapping.objects.update_or_create(
            identity_provider=idp, claim=claim, value=value, defaults=target
        )
    return idp
