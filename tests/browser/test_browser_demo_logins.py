"""Each demo role logs in through the real login form; pages pass axe-core."""

import pytest

from lms.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("email", [row[0] for row in DEMO_USERS])
def test_demo_role_logs_in_and_home_is_accessible(page, live_server, demo_site, axe, email):
    """The demo login lands on a German home page that greets the person, with no serious
    or critical accessibility violations."""
    login(page, live_server, email, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    full_name = next(row[1] for row in DEMO_USERS if row[0] == email)
    assert page.get_by_role("heading", level=2, name=f"Willkommen, {full_name}").is_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").count() == 1
    violations = axe(page)
    assert violations == [], format_violations(violations)


def test_login_page_accessible_and_keyboard_usable(page, live_server, demo_site, axe, screenshot):
    """The login form works with the keyboard alone and passes axe-core."""
    page.goto(f"{live_server.url}/konto/anmelden/")
    screenshot(page, "login")
    assert axe(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.get_by_label("E-Mail-Adresse").focus()
    page.keyboard.type("lernende@demo.kommunal-campus.de")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Abmelden").is_visible()


def test_home_on_phone_and_desktop(browser, live_server, demo_site, axe, screenshot):
    """The home page fits a phone screen without horizontal scrolling."""
    for name, viewport in {"home-phone": (390, 844), "home-desktop": (1280, 900)}.items():
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="de-DE"
        )
        page = context.new_page()
        login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport[0], f"{name}: page is {scroll_width}px wide"
        assert axe(page) == []
        screenshot(page, name)
        context.close()


def test_language_switch_to_english(page, live_server, demo_site):
    """A visitor switches the interface to English with the visible switcher."""
    page.goto(f"{live_server.url}/")
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Learning for the digital municipality"
    )


def test_demo_hr_passes_the_second_factor_as_make_run_prints(
    page, live_server, demo_site, axe, settings
):
    """With the second factor on (the default outside tests), the demo HR login asks for the
    code, accepts the one `manage.py demo_codes` shows, and the page is accessible."""
    from lms.demo.mfa import demo_code

    settings.MFA_REQUIRED = True
    login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/konto/zweiter-faktor/**")
    assert page.get_by_role("heading", level=1, name="Anmeldung bestätigen").is_visible()
    assert axe(page) == [], format_violations(axe(page))
    page.get_by_label("Code aus Ihrer Authenticator-App (oder ein Backup-Code)").fill(demo_code())
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/personal/")
    assert "/zweiter-faktor/" not in page.url
