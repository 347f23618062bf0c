"""An IT department's identity provider is registered in the Wagtail admin (Einstellungen →
Single Sign-on), with the claim mappings that place people in units."""

import pytest
from django.urls import reverse

from lms.models import IdentityProvider, Membership
from tests.factories import make_member

ADD_URL = "wagtailsnippets_lms_identityprovider:add"


def form_data(gemeinde, unit, **overrides):
    data = {
        "name": "Stadt Köln",
        "slug": "koeln",
        "protocol": "oidc",
        "organisations": [gemeinde.pk],
        "email_domains": "Stadt-Koeln.de, @koeln.de",
        "issuer_url": "https://login.stadt-koeln.de/realms/verwaltung",
        "client_id": "kommunal-campus",
        "client_secret": "geheim",
        "mfa_values": "mfa otp",
        "is_active": "on",
        "mappings-TOTAL_FORMS": "1",
        "mappings-INITIAL_FORMS": "0",
        "mappings-MIN_NUM_FORMS": "0",
        "mappings-MAX_NUM_FORMS": "1000",
        "mappings-0-claim": "department",
        "mappings-0-value": "Kundenzentren",
        "mappings-0-unit": unit.pk,
        "mappings-0-job_profile": "",
        "mappings-0-role": "",
        "mappings-0-id": "",
        "mappings-0-DELETE": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def platform_admin(django_user_model):
    return django_user_model.objects.create_superuser(
        email="plattform@example.org", password="x-Admin-Passwort-2026", full_name="Plattform"
    )


def test_platform_admin_registers_an_idp_with_a_mapping(client, platform_admin, gemeinde_b, amt_b):
    client.force_login(platform_admin)

    response = client.post(reverse(ADD_URL), form_data(gemeinde_b, amt_b))

    assert response.status_code == 302, response.content.decode()[:2000]
    idp = IdentityProvider.objects.get(slug="koeln")
    assert idp.domains == ["koeln.de", "stadt-koeln.de"]
    assert list(idp.organisations.all()) == [gemeinde_b]
    assert [(m.value, m.unit) for m in idp.mappings.all()] == [("Kundenzentren", amt_b)]


def test_a_domain_belongs_to_one_idp_only(client, platform_admin, gemeinde_b, amt_b):
    client.force_login(platform_admin)
    client.post(reverse(ADD_URL), form_data(gemeinde_b, amt_b))

    response = client.post(
        reverse(ADD_URL),
        form_data(gemeinde_b, amt_b, name="Zweiter IdP", slug="zweiter", email_domains="koeln.de"),
    )

    assert response.status_code == 200
    assert "koeln.de gehört bereits zu Stadt Köln." in response.content.decode()
    assert IdentityProvider.objects.count() == 1


def test_invalid_domains_are_refused_with_a_message(client, platform_admin, gemeinde_b, amt_b):
    client.force_login(platform_admin)

    response = client.post(
        reverse(ADD_URL), form_data(gemeinde_b, amt_b, email_domains="nicht eine domain!")
    )

    assert response.status_code == 200
    assert "Bitte geben Sie gültige Domains ein" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_hr_cannot_register_an_idp(client, gemeinde_b, amt_b):
    hr = make_member(gemeinde_b, Membership.Role.HR)
    client.force_login(hr)

    response = client.post(reverse(ADD_URL), form_data(gemeinde_b, amt_b))

    assert response.status_code in (302, 403)
    assert not IdentityProvider.objects.exists()


def test_saml_idp_with_broken_metadata_is_refused_with_a_clear_message(
    client, platform_admin, gemeinde_b, amt_b
):
    client.force_login(platform_admin)
    data = form_data(
        gemeinde_b,
        amt_b,
        protocol="saml",
        issuer_url="",
        client_id="",
        client_secret="",
        saml_metadata_xml="<EntityDescriptor>kaputt",
    )

    response = client.post(reverse(ADD_URL), data)

    assert response.status_code == 200
    assert "Das sind keine gültigen SAML-Metadaten." in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_oidc_idp_without_client_is_refused(client, platform_admin, gemeinde_b, amt_b):
    client.force_login(platform_admin)

    response = client.post(reverse(ADD_URL), form_data(gemeinde_b, amt_b, client_id=""))

    assert "Für OpenID Connect erforderlich." in response.content.decode()
    assert not IdentityProvider.objects.exists()
