"""A trainer writes a lesson in the Wagtail admin and sends it to review; a second trainer
approves it; a visitor then finds it in the course outline. Only visible labels are used."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import CoursePage, LessonPage, ModulePage
from lms.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = pytest.mark.browser
TITLE = "Metadaten pflegen mit DCAT-AP.de"


def write_rich_text(page, text: str) -> None:
    """Type into the Draftail editor and wait until it holds the text (it mounts lazily)."""
    editor = page.locator("[role=textbox][contenteditable=true]").first
    editor.wait_for()
    editor.click()
    editor.press_sequentially(text, delay=5)
    expect(editor).to_contain_text(text)
    page.keyboard.press("Tab")
    # Draftail writes its content into the form field debounced (250 ms after the last key);
    # a person pauses before submitting, the test must too.
    page.wait_for_timeout(1000)


def test_trainer_publishes_lesson_after_second_trainer_approves(
    browser, live_server, demo_site, screenshot
):
    """Submit → not yet public → approved by the second trainer → listed in the course."""
    course = CoursePage.objects.get(slug="datenmanagement-in-der-kommune")
    module = ModulePage.objects.child_of(course).first()

    author = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = author.new_page()
    login(page, live_server, "trainer@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cms/pages/add/courses/lessonpage/{module.pk}/")
    page.get_by_placeholder("Seitentitel*").fill(TITLE)
    page.get_by_title("Einen Block einfügen").click()
    page.get_by_role("option", name="Text").click()
    write_rich_text(page, "Jeder Datensatz braucht Titel, Beschreibung, Lizenz und Ansprechstelle.")
    screenshot(page, "cms-lesson-editor")
    page.get_by_role("button", name="Mehr Aktionen").click()
    page.get_by_role("button", name=re.compile("Freigabe.*einreichen")).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))  # the explorer, not the editor
    lesson = LessonPage.objects.get(title=TITLE)
    assert not lesson.live
    author.close()

    anonymous = browser.new_page(locale="de-DE")
    anonymous.goto(f"{live_server.url}{course.url}")
    assert anonymous.get_by_text(TITLE).count() == 0

    reviewer = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = reviewer.new_page()
    login(page, live_server, "trainerin@demo.kommunal-campus.de", DEMO_PASSWORD)
    # Reviewing grants no edit rights: the editor is closed to the second trainer ...
    response = page.goto(f"{live_server.url}/cms/pages/{lesson.pk}/edit/")
    assert "/edit/" not in page.url or response.status == 403
    # ... who reads the submitted text in the preview and approves it from the dashboard.
    preview = reviewer.new_page()
    preview.goto(
        live_server.url
        + reverse(
            "wagtailadmin_pages:workflow_preview", args=[lesson.pk, lesson.current_workflow_task.pk]
        )
    )
    expect(preview.get_by_role("heading", name=TITLE)).to_be_visible()
    page.goto(f"{live_server.url}/cms/")
    row = page.locator("#awaiting-review-section tr", has_text=TITLE)
    row.get_by_role("button", name="Aktionen").click()
    with page.expect_response(re.compile(r"/workflow/action/\d+/approve/")):
        row.get_by_role("button", name="Freigeben", exact=True).click()
    reviewer.close()

    lesson.refresh_from_db()
    assert lesson.live
    anonymous.goto(f"{live_server.url}{course.url}")
    assert anonymous.get_by_text(TITLE).is_visible()


def test_author_cannot_approve_own_submission(browser, live_server, demo_site):
    """The submitting trainer sees no approve action on their own change."""
    course = CoursePage.objects.get(slug="datenmanagement-in-der-kommune")
    module = ModulePage.objects.child_of(course).first()
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "trainer@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cms/pages/add/courses/lessonpage/{module.pk}/")
    page.get_by_placeholder("Seitentitel*").fill("Eigene Änderung")
    page.get_by_title("Einen Block einfügen").click()
    page.get_by_role("option", name="Text").click()
    write_rich_text(page, "Text.")
    page.get_by_role("button", name="Mehr Aktionen").click()
    page.get_by_role("button", name=re.compile("Freigabe.*einreichen")).click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))  # the explorer, not the editor
    lesson = LessonPage.objects.get(title="Eigene Änderung")
    page.goto(f"{live_server.url}/cms/pages/{lesson.pk}/edit/")
    page.get_by_role("button", name="Mehr Aktionen").click()
    assert page.get_by_role("button", name=re.compile("^Freigeben")).count() == 0
    assert page.get_by_role("button", name="Workflow abbrechen").count() == 1
    context.close()
