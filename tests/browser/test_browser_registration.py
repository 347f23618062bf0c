"""Self-registration as a new employee of Bonn does it: the register page, the mail's link, the
confirmation, the dashboard. Every page passes axe; the keyboard is enough."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from lms.management.commands.seed_demo import DEMO_PASSWORD, DEMO_REGISTRATION_DOMAIN
from lms.models import Organisation, User
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser


def test_a_new_employee_registers_confirms_and_lands_in_bonn(
    page, live_server, demo_site, axe, screenshot
):
    address = f"jana.neumann@{DEMO_REGISTRATION_DOMAIN}"
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_role(
        "link", name="Noch kein Konto? Mit der dienstlichen Adresse registrieren"
    ).click()
    assert page.get_by_role(
        "heading", level=1, name="Mit der dienstlichen Adresse registrieren"
    ).is_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
    page.get_by_label("Dienstliche E-Mail-Adresse").fill("max@unbekannt.example")
    page.get_by_label("Ihr Name").fill("Jana Neumann")
    page.locator("#id_password1").fill("Ein-langes-Passwort-fuer-Bonn")
    page.locator("#id_password2").fill("Ein-langes-Passwort-fuer-Bonn")
    page.keyboard.press("Enter")
    expect(page.get_by_text("können sich hier nicht registrieren")).to_be_visible()
    assert page.get_by_label("Ihr Name").input_value() == "Jana Neumann"  # nothing lost
    violations = axe(page)
    assert violations == [], format_violations(violations)
    page.get_by_label("Dienstliche E-Mail-Adresse").fill(address)
    page.locator("#id_password1").fill("Ein-langes-Passwort-fuer-Bonn")
    page.locator("#id_password2").fill("Ein-langes-Passwort-fuer-Bonn")
    page.get_by_role("button", name="Registrieren").click()
    assert page.get_by_role(
        "heading", level=1, name="Bitte bestätigen Sie Ihre Adresse"
    ).is_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
    path = re.search(r"/konto/registrieren/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + path)  # the mail links to SITE_URL
    expect(page.get_by_text("Bundesstadt Bonn")).to_be_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
    screenshot(page, "registration-confirm")
    page.get_by_label("Ihr Passwort (das bei der Registrierung gewählte)").fill(
        "Ein-langes-Passwort-fuer-Bonn"
    )
    page.get_by_role("button", name="Adresse bestätigen und Konto anlegen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/lernen/")
    expect(page.get_by_text("Ihre Adresse ist bestätigt")).to_be_visible()
    person = User.objects.get(email=address)
    assert person.memberships.get().organisation.name == "Bundesstadt Bonn"
    assert person.certificate_name == ""


def test_org_admin_connects_the_directory_and_sees_the_domains(
    page, live_server, demo_site, axe, screenshot
):
    """The CDO of Bonn (organisation admin) reaches both pages from the organisation page, with
    the keyboard-usable forms, and creates a directory token shown once."""
    login(page, live_server, "cdo.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    bonn = Organisation.objects.get(name="Bundesstadt Bonn")
    page.goto(f"{live_server.url}/organisationen/{bonn.pk}/")
    page.get_by_role("link", name="Verzeichnisanbindung (SCIM)").click()
    page.get_by_label("Name des Verzeichnisses").fill("Entra ID Bonn")
    page.get_by_role("button", name="Token erstellen").click()
    token = page.get_by_label("Token", exact=True).input_value()
    assert len(token) > 40
    violations = axe(page)
    assert violations == [], format_violations(violations)
    screenshot(page, "org-admin-scim")
    page.goto(f"{live_server.url}/organisationen/{bonn.pk}/")
    page.get_by_role("link", name="E-Mail-Domains und Selbstregistrierung").click()
    expect(page.get_by_role("cell", name=DEMO_REGISTRATION_DOMAIN, exact=True)).to_be_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
    page.goto(f"{live_server.url}/organisationen/{bonn.pk}/")
    page.get_by_role("link", name="Single Sign-on").click()
    violations = axe(page)
    assert violations == [], format_violations(violations)
