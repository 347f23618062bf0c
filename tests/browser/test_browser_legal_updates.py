"""The demo HR user of Bonn after the competence centre recorded a change of procurement law:
who in Bonn qualified on the earlier content, and assigning them the short update (issue 19)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser


def test_hr_assigns_the_update_to_holders_of_old_content(
    browser, live_server, demo_site, axe, screenshot
):
    from courses.models import CourseOutcome, CoursePage, LegalActChange
    from lms.models import Enrolment, User

    procurement = CoursePage.objects.get(slug="herstellerneutrale-it-beschaffung")
    update = CoursePage(
        title="Update: Vergabebeschleunigungsgesetz",
        slug="update-vergabebeschleunigung",
        teaser="Was sich für kommunale IT-Vergaben ändert.",
        topic=procurement.topic,
        level=procurement.level,
        duration_minutes=20,
    )
    update.outcomes = [CourseOutcome(text="Sie kennen die Änderungen im Vergaberecht.")]
    procurement.get_parent().add_child(instance=update)
    update.save_revision().publish()
    change = LegalActChange.objects.get(title__startswith="Vergabebeschleunigungsgesetz")
    change.update_course = update
    change.save()
    holder = User.objects.get(full_name="Jana Becker")
    # In the demo she is enrolled already: she finished 200 days ago, before the change.
    Enrolment.objects.update_or_create(
        user=holder,
        course=procurement,
        cycle=1,
        defaults={
            "status": Enrolment.Status.COMPLETED,
            "completed_at": timezone.now() - datetime.timedelta(days=200),
        },
    )

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.get_by_role("link", name="Organisationen").click()
    page.get_by_role("link", name="Bundesstadt Bonn").click()
    page.get_by_role("link", name="Qualifizierungsübersicht").click()
    page.get_by_role("link", name="Rechtsänderungen").click()
    expect(page.get_by_role("heading", level=2, name=change.title)).to_be_visible()
    row = page.get_by_role("row", name="Jana Becker")
    expect(row).to_contain_text("Herstellerneutrale IT-Beschaffung")
    expect(row).to_contain_text("noch nicht")
    assert axe(page) == [], format_violations(axe(page))

    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    page.get_by_label("Fällig am").fill(due)
    page.get_by_role("button", name="Das Update „Update: Vergabebeschleunigungsgesetz“").click()
    expect(
        page.get_by_text(
            "Das Update „Update: Vergabebeschleunigungsgesetz“ ist 1 Person zugewiesen."
        )
    ).to_be_visible()
    expect(page.get_by_role("row", name="Jana Becker")).to_contain_text("zugewiesen")
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "hr-legal-updates")
    assert Enrolment.objects.filter(user=holder, course=update).exists()
    context.close()
