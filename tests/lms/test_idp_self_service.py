"""Organisation admins register their IdP themselves, but only for domains they proved are
theirs: the admin of Bonn cannot point Köln's addresses (or any unverified domain) at an IdP."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import AuditEvent, EmailDomain, IdentityProvider, Membership
from lms.services.sso import SsoRefused, sso_user_for_claims
from tests.factories import make_identity_provider, make_member


@pytest.fixture
def org_admin_a(gemeinde_a):
    return make_member(gemeinde_a, Membership.Role.ORG_ADMIN, full_name="Ida Verwaltung")


@pytest.fixture
def bonn_verified(gemeinde_a):
    return EmailDomain.objects.create(
        organisation=gemeinde_a,
        domain="bonn.de",
        verification_address="it@bonn.de",
        verified_at=timezone.now(),
    )


def _oidc(**extra):
    return {
        "name": "Bonn Entra ID",
        "protocol": "oidc",
        "issuer_url": "https://login.bonn.de/realms/verwaltung",
        "client_id": "campus",
        "client_secret": "geheim",
        "is_active": "on",
        **extra,
    }


def test_org_admin_registers_an_oidc_idp_for_a_verified_domain(
    client, org_admin_a, gemeinde_a, bonn_verified
):
    client.force_login(org_admin_a)
    url = reverse("hr_identity_providers", args=[gemeinde_a.pk])
    response = client.post(url, _oidc(domains=["bonn.de"]))
    assert response.status_code == 302, response.content.decode()[-2000:]
    idp = IdentityProvider.objects.get()
    assert idp.domains == ["bonn.de"]
    assert list(idp.organisations.all()) == [gemeinde_a]
    page = client.get(response["Location"]).content.decode()
    assert f"/konto/anmelden/sso/{idp.slug}/rueckkehr/" in page  # the value for the IT
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IDENTITY_PROVIDER).exists()
    # the secret is never shown again and stays when left empty on edit
    assert "geheim" not in page
    client.post(
        response["Location"], _oidc(name="Bonn (neu)", client_secret="", domains=["bonn.de"])
    )
    idp.refresh_from_db()
    assert idp.name == "Bonn (neu)" and idp.client_secret == "geheim"


def test_unverified_or_foreign_domains_cannot_be_chosen(
    client, org_admin_a, gemeinde_a, gemeinde_b, bonn_verified
):
    EmailDomain.objects.create(
        organisation=gemeinde_a,
        domain="bonn-unbestaetigt.de",
        verification_address="x@bonn-unbestaetigt.de",
    )
    EmailDomain.objects.create(
        organisation=gemeinde_b,
        domain="stadt-koeln.de",
        verification_address="it@stadt-koeln.de",
        verified_at=timezone.now(),
    )
    client.force_login(org_admin_a)
    url = reverse("hr_identity_providers", args=[gemeinde_a.pk])
    for domain in ("stadt-koeln.de", "bonn-unbestaetigt.de"):
        response = client.post(url, _oidc(domains=[domain]))
        assert response.status_code == 400
    assert not IdentityProvider.objects.exists()
    # even if it were saved, such an IdP could not sign in a Köln address
    idp = make_identity_provider(gemeinde_a, slug="bonn", email_domains="bonn.de")
    with pytest.raises(SsoRefused):
        sso_user_for_claims(idp, {"sub": "x", "email": "chef@stadt-koeln.de", "name": "Chef"})


def test_without_a_verified_domain_the_page_says_what_to_do_first(client, org_admin_a, gemeinde_a):
    client.force_login(org_admin_a)
    html = client.get(reverse("hr_identity_providers", args=[gemeinde_a.pk])).content.decode()
    assert "Bestätigen Sie zuerst die E-Mail-Domain" in html
    assert reverse("hr_email_domains", args=[gemeinde_a.pk]) in html


def test_only_own_single_organisation_idps_and_units(
    client, org_admin_a, gemeinde_a, gemeinde_b, hr_a, bonn_verified
):
    provider_of_several = make_identity_provider(gemeinde_a, slug="itdienst", email_domains="it.de")
    provider_of_several.organisations.add(gemeinde_b)
    koeln = make_identity_provider(gemeinde_b)
    client.force_login(org_admin_a)
    for pk in (provider_of_several.pk, koeln.pk):
        assert (
            client.get(reverse("hr_identity_provider", args=[gemeinde_a.pk, pk])).status_code == 404
        )
    assert client.get(reverse("hr_identity_providers", args=[gemeinde_b.pk])).status_code == 404
    client.force_login(hr_a)  # HR without the admin role
    assert client.get(reverse("hr_identity_providers", args=[gemeinde_a.pk])).status_code == 404


def test_incomplete_oidc_values_get_german_errors_and_keep_the_input(
    client, org_admin_a, gemeinde_a, bonn_verified
):
    client.force_login(org_admin_a)
    response = client.post(
        reverse("hr_identity_providers", args=[gemeinde_a.pk]),
        _oidc(issuer_url="", domains=["bonn.de"]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Für OpenID Connect erforderlich" in html
    assert 'value="Bonn Entra ID"' in html
