"""A municipal employee signs in with their administration's account, in a real browser,
through a real OpenID Provider (npm ``oidc-provider``) on 127.0.0.1."""

import pytest

from lms.models import IdentityProvider, Membership, SsoClaimMapping, User
from tests.browser.conftest import format_violations
from tests.factories import make_koeln_with_kundenzentren
from tests.peers.oidc import PASSWORD, OidcProvider, oidc_provider_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not oidc_provider_available(), reason="npm oidc-provider is needed"),
]


@pytest.fixture
def idp(transactional_db):
    accounts = {
        "b.yilmaz": {
            "email": "berna.yilmaz@stadt-koeln.de",
            "name": "Berna Yılmaz",
            "department": "Kundenzentren",
        }
    }
    clients = [{"client_id": "kommunal-campus", "client_secret": "s" * 40}]
    with OidcProvider(clients, accounts) as server:
        koeln, unit = make_koeln_with_kundenzentren()
        provider = IdentityProvider.objects.create(
            name="Stadt Köln",
            slug="koeln",
            email_domains="stadt-koeln.de",
            issuer_url=server.issuer,
            client_id="kommunal-campus",
            client_secret="s" * 40,
        )
        provider.organisations.add(koeln)
        SsoClaimMapping.objects.create(
            identity_provider=provider, claim="department", value="Kundenzentren", unit=unit
        )
        yield server, unit


def test_employee_signs_in_with_the_administrations_account(page, live_server, idp, axe):
    server, unit = idp
    page.goto(f"{live_server.url}/konto/anmelden/")
    assert axe(page) == []
    page.get_by_label("E-Mail-Adresse").fill("berna.yilmaz@stadt-koeln.de")
    page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden").click()

    page.wait_for_url(f"{server.issuer}/interaction/**")
    page.get_by_label("Benutzername").fill("b.yilmaz")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=2, name="Willkommen, Berna Yılmaz").is_visible()
    user = User.objects.get(email="berna.yilmaz@stadt-koeln.de")
    assert Membership.objects.get(user=user).organisation == unit
    violations = axe(page)
    assert violations == [], format_violations(violations)


def test_idp_down_the_login_page_says_so_accessibly(page, live_server, idp, axe):
    IdentityProvider.objects.update(issuer_url="http://127.0.0.1:9")
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("berna.yilmaz@stadt-koeln.de")
    page.get_by_label("E-Mail-Adresse").press("Enter")

    alert = page.get_by_role("alert")
    assert "ist gerade nicht möglich" in alert.inner_text()
    assert page.get_by_label("Passwort").is_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
