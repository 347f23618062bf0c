"""A municipal employee signs in through their administration's SAML 2.0 IdP (pysaml2's IdP on
127.0.0.1, tests/peers/saml_idp.py), in a real browser: our login page, the IdP's form, its
auto-submitted response, our hand-over page, the start page."""

import pytest
import requests

from lms.models import IdentityProvider, Membership, SsoClaimMapping, User
from tests.browser.conftest import format_violations
from tests.factories import make_koeln_with_kundenzentren
from tests.peers.saml_idp import PASSWORD, SamlIdp, saml_idp_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not saml_idp_available(), reason="pysaml2 and xmlsec1 are needed"),
]


@pytest.fixture
def saml_idp(transactional_db, live_server):
    accounts = {
        "b.yilmaz": {
            "subject": "S-1-5-21-berna",
            "mail": "berna.yilmaz@stadt-koeln.de",
            "displayName": "Berna Yılmaz",
            "ou": "Kundenzentren",
        }
    }
    with SamlIdp(accounts) as server:
        koeln, unit = make_koeln_with_kundenzentren()
        provider = IdentityProvider.objects.create(
            name="Stadt Köln",
            slug="koeln",
            protocol=IdentityProvider.Protocol.SAML,
            email_domains="stadt-koeln.de",
            saml_metadata_url=server.metadata_url,
        )
        provider.organisations.add(koeln)
        SsoClaimMapping.objects.create(
            identity_provider=provider, claim="department", value="Kundenzentren", unit=unit
        )
        metadata = requests.get(
            f"{live_server.url}/konto/anmelden/sso/koeln/saml/metadata/", timeout=10
        )
        server.register_sp(metadata.text)
        yield server, unit


def test_employee_signs_in_through_the_saml_idp(page, live_server, saml_idp, axe):
    server, unit = saml_idp
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("berna.yilmaz@stadt-koeln.de")
    page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden").click()

    page.wait_for_url(f"{server.base_url}/sso/redirect**")
    page.get_by_label("Benutzername").fill("b.yilmaz")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=2, name="Willkommen, Berna Yılmaz").is_visible()
    user = User.objects.get(email="berna.yilmaz@stadt-koeln.de")
    assert Membership.objects.get(user=user).organisation == unit
    violations = axe(page)
    assert violations == [], format_violations(violations)
