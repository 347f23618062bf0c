"""The invitation link, as the invited person opens it from the mail: accessible, usable with
the keyboard, single use."""

import pytest

from lms.models import Organisation, User
from lms.services.invitations import invitation_send
from tests.browser.conftest import format_violations
from tests.factories import make_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def invitation_link(transactional_db, live_server):
    land = make_organisation("Nordrhein-Westfalen", Organisation.Kind.LAND)
    bonn = make_organisation(
        "Bundesstadt Bonn", Organisation.Kind.KREISFREIE_STADT, land, "05314000"
    )
    person = User.objects.create_user(
        email="neu@bonn.de", password=None, full_name="Jonas Neumann", name_source="hr"
    )
    _invitation, token = invitation_send(user=person, organisation=bonn, by=None)
    return f"{live_server.url}/konto/einladung/{token}/"


def test_invited_person_sets_a_password_and_the_link_then_expires(
    page, live_server, invitation_link, axe
):
    page.goto(invitation_link)
    assert page.get_by_role("heading", level=1, name="Willkommen beim Kommunal-Campus").is_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)

    page.locator("#id_new_password1").fill("Ein-langes-Passwort-fuer-Bonn")
    page.locator("#id_new_password2").fill("Ein-langes-Passwort-fuer-Bonn")
    page.get_by_role("button", name="Passwort festlegen und anmelden").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Abmelden").is_visible()

    page.goto(invitation_link)
    assert page.get_by_role("heading", level=1, name="Einladung nicht mehr gültig").is_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
