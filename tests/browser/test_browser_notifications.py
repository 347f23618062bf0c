"""The notification centre as a learner meets it: the bell shows the unread count after the
page loaded, the list is accessible, and marking all read clears the bell."""

import pytest
from playwright.sync_api import expect

from lms.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser

LEARNER = "lernende@demo.kommunal-campus.de"


def test_learner_reads_notifications_from_the_bell(page, live_server, demo_site, axe, screenshot):
    from lms.models import Notification, User
    from lms.services.notifications import notify

    learner = User.objects.get(email=LEARNER)
    Notification.objects.filter(user=learner).update(read_at=None)
    notify(
        user=learner,
        kind=Notification.Kind.ASSIGNED,
        key="browser:assigned",
        subject="Pflichtkurs zugewiesen: „IT-Beschaffung herstellerneutral“, fällig am 31.01.2027",
        url="/kurse/",
    )
    unread = Notification.objects.filter(user=learner, read_at__isnull=True).count()
    login(page, live_server, LEARNER, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    bell = page.locator("#notification-bell")
    expect(bell).to_contain_text(f"{unread} ungelesen")
    bell.click()
    page.wait_for_url("**/konto/benachrichtigungen/")
    expect(page.get_by_role("heading", level=1, name="Benachrichtigungen")).to_be_visible()
    expect(page.get_by_role("link", name="Pflichtkurs zugewiesen", exact=False)).to_be_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
    screenshot(page, "notifications")
    page.get_by_role("button", name="Alle als gelesen markieren").click()
    expect(page.get_by_text("Alle Benachrichtigungen sind als gelesen markiert.")).to_be_visible()
    expect(page.locator("#notification-bell .count-badge")).to_have_count(0)
    page.get_by_role("link", name="Wie möchten Sie benachrichtigt werden?").click()
    expect(page.get_by_role("group", name="Ein Kurs wird bald fällig")).to_be_visible()
    violations = axe(page)
    assert violations == [], format_violations(violations)
