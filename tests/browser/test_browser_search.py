"""The search in a real browser: an employee types "Vergabe" in the header search, reads the
results (axe-clean, facets, highlighted passages) and lands on the lesson at the passage."""

import pytest

from lms.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser

LEARNER = "lernende@demo.kommunal-campus.de"
LESSON = "Grundsätze und Ablauf eines Vergabeverfahrens"


def test_header_search_leads_to_the_lesson_passage(page, live_server, demo_site, axe, screenshot):
    login(page, live_server, LEARNER, DEMO_PASSWORD)
    search_box = page.get_by_role("searchbox", name="Suche")
    search_box.fill("Vergabe")
    search_box.press("Enter")
    page.wait_for_url("**/suche/?q=Vergabe")
    assert page.get_by_role("status").inner_text().strip().endswith("Ergebnisse für „Vergabe“")
    assert page.locator(".search-hit mark").count() >= 3
    violations = axe(page)
    assert violations == [], format_violations(violations)
    screenshot(page, "search-results")

    page.get_by_role("navigation", name="Ergebnisse nach Art filtern").get_by_role(
        "link", name="Lektionen"
    ).click()
    assert page.get_by_role("link", name="Lektionen").get_attribute("aria-current") == "true"
    kinds = page.locator(".search-hit .kind").all_inner_texts()
    assert kinds and set(kinds) == {"Lektion"}

    page.get_by_role("link", name=LESSON).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == LESSON
    # The link carries a text fragment: Chromium scrolls to the passage with the word.
    assert "#:~:text=" in page.evaluate("performance.getEntriesByType('navigation')[0].name")
