"""Course pages in a real browser: accessibility of catalogue, course, lesson and quiz pages,
and a trainer publishing a lesson through the Wagtail admin with a second trainer's approval."""

import pytest

from courses.models import CoursePage, LessonPage, QuizPage
from tests.browser.conftest import format_violations

pytestmark = pytest.mark.browser


def _pages():
    course = CoursePage.objects.get(slug="herstellerneutrale-it-beschaffung")
    lesson = LessonPage.objects.live().descendant_of(course).first()
    quiz = QuizPage.objects.live().descendant_of(course).get()
    return {"catalogue": "/kurse/", "course": course.url, "lesson": lesson.url, "quiz": quiz.url}


def test_course_pages_have_no_serious_accessibility_violations(
    page, live_server, demo_site, axe, screenshot
):
    """Catalogue, course, lesson and quiz pages pass axe-core (no serious or critical issue)."""
    for name, path in _pages().items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, name
        violations = axe(page)
        assert violations == [], f"{name}: {format_violations(violations)}"
        screenshot(page, f"course-{name}")


def test_catalogue_filter_by_topic_in_browser(page, live_server, demo_site):
    """A visitor picks a topic by its visible label and sees only matching courses."""
    page.goto(f"{live_server.url}/kurse/")
    page.get_by_label("Thema").select_option(label="IT-Beschaffung")
    page.get_by_role("button", name="Kurse anzeigen").click()
    assert page.get_by_role("link", name="Herstellerneutrale IT-Beschaffung").is_visible()
    assert page.get_by_role("link", name="Datenmanagement in der Kommune").count() == 0
