"""One review per course, as the two demo trainers do it: the author submits the whole course
(two changed pages) from the admin; the second trainer opens "Kursprüfungen", reads what changed
page by page and approves with the labelled button; both changes are then public. Checked with
axe on the submit page, the list and the review."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, LessonPage
from lms.management.commands.seed_demo import DEMO_PASSWORD
from lms.models import User
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser


def test_second_trainer_reads_the_course_diff_and_approves_once(
    browser, live_server, demo_site, axe, screenshot
):
    course = CoursePage.objects.get(slug="datenmanagement-in-der-kommune")
    author = User.objects.get(email="trainer@demo.kommunal-campus.de")
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    draft = LessonPage.objects.get(pk=lesson.pk)
    draft.title = "Daten als Infrastruktur der Kommune (überarbeitet)"
    draft.save_revision(user=author)
    course_draft = CoursePage.objects.get(pk=course.pk)
    course_draft.pass_mark = 75
    course_draft.save_revision(user=author)

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, author.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cms/kurspruefung/einreichen/{course.pk}/")
    expect(page.get_by_text("Daten als Infrastruktur der Kommune (überarbeitet)")).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    page.get_by_role("button", name="Kurs zur Prüfung einreichen").click()
    expect(page.get_by_text("zur Prüfung eingereicht")).to_be_visible()
    context.close()
    assert not LessonPage.objects.get(pk=lesson.pk).title.endswith("(überarbeitet)")

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "trainerin@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cms/kurspruefung/")
    assert axe(page) == [], format_violations(axe(page))
    page.get_by_role("link", name=course.title).first.click()
    expect(page.get_by_role("heading", name=re.compile("2 Seiten"))).to_be_visible()
    expect(page.get_by_text("Bestehensgrenze für Quizze (%)")).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "cms-course-review")
    page.get_by_role("button", name="Kurs freigeben und veröffentlichen").click()
    expect(
        page.get_by_text("Freigegeben: Die Änderungen des Kurses sind veröffentlicht.")
    ).to_be_visible()
    context.close()

    assert LessonPage.objects.get(pk=lesson.pk).title.endswith("(überarbeitet)")
    assert CoursePage.objects.get(pk=course.pk).pass_mark == 75
