"""A learner's whole journey in the browser, by visible labels and roles only:
catalogue → enrol → every lesson → fail the quiz → pass it (keyboard only) → course completed."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, QuizPage
from lms.management.commands.seed_demo import DEMO_PASSWORD
from lms.models import Enrolment, LearningStatement
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser
COURSE = "Herstellerneutrale IT-Beschaffung"


def _correct_answers(course):
    quiz = QuizPage.objects.live().descendant_of(course).get()
    answers = []
    for child in quiz.questions:
        value = child.value
        if child.block_type in ("single_choice", "multiple_choice"):
            picks = [c["text"] for c in value["choices"] if c["correct"]]
        elif child.block_type == "true_false":
            picks = ["Wahr" if value["correct"] else "Falsch"]
        else:
            picks = [value["accepted_answers"][0]]
        answers.append((child.block_type, value["question"], picks))
    return answers


def _follow(page, link):
    """Click a link and wait until the browser shows the page it points to."""
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state("networkidle")


def _tab_to(page, target, limit=400):
    """Press Tab until ``target`` has focus: proves it is reachable by keyboard."""
    for _press in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("element not reachable with the Tab key")


def _answer_with_keyboard(page, kind, question, picks):
    fieldset = page.locator("fieldset", has_text=question)
    if kind == "short_answer":
        field = fieldset.get_by_label("Ihre Antwort")
        _tab_to(page, field)
        page.keyboard.type(picks[0])
        return
    for pick in picks:
        option = fieldset.get_by_label(pick, exact=True)
        if kind == "multiple_choice":
            _tab_to(page, option)
            page.keyboard.press("Space")
        else:
            # A radio group is one Tab stop; arrow keys move (and select) within it.
            first = fieldset.locator("input").first
            _tab_to(page, first)
            page.keyboard.press("Space")
            for _press in range(10):
                if option.is_checked():
                    break
                page.keyboard.press("ArrowDown")
        expect(option).to_be_checked()


def test_learner_completes_course_from_catalogue(browser, live_server, demo_site, axe, screenshot):
    """Enrol, finish every lesson, fail once, pass with the keyboard: the course is completed and
    shows on the dashboard and in the learning record."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "lernende@demo.kommunal-campus.de", DEMO_PASSWORD)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Kurse").click()
    page.get_by_role("link", name=COURSE).click()
    page.get_by_role("button", name="Jetzt einschreiben").click()
    expect(page.get_by_text("Sie sind in diesem Kurs eingeschrieben.")).to_be_visible()
    # After the htmx swap the keyboard focus is on the new panel's heading, not lost.
    expect(page.get_by_role("heading", name="Ihr Lernstand")).to_be_focused()
    page.wait_for_load_state("networkidle")
    _follow(page, page.get_by_role("link", name="Erste Lektion beginnen"))

    lessons_done = 0
    while True:
        expect(page.get_by_role("button", name="Als erledigt markieren")).to_be_visible()
        if lessons_done == 0:
            screenshot(page, "learner-lesson")
            assert axe(page) == [], format_violations(axe(page))
        page.get_by_role("button", name="Als erledigt markieren").click()
        expect(page.get_by_text("Lektion abgeschlossen.")).to_be_visible()
        expect(page.get_by_text("Lektion abgeschlossen.")).to_be_focused()
        lessons_done += 1
        _follow(page, page.get_by_role("link", name=re.compile("^Weiter:")))
        if page.get_by_role("button", name="Quiz starten").count():
            break
    assert lessons_done >= 6

    # First attempt: submitted without answers. The quiz names the unanswered questions and
    # asks; submitted anyway, it fails and shows what was wrong, not the answers.
    page.get_by_role("button", name="Quiz starten").click()
    page.get_by_role("button", name="Antworten abgeben").click()
    expect(page.get_by_text("9 Fragen sind noch nicht beantwortet")).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    page.get_by_role("button", name="Trotzdem abgeben").click()
    expect(page.get_by_text("Noch nicht bestanden.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Richtige Antwort:"))).to_have_count(0)
    page.get_by_role("link", name="Zurück zum Quiz").click()

    # Second attempt, keyboard only.
    start = page.get_by_role("button", name="Neuen Versuch starten")
    _tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Antworten abgeben")).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "learner-quiz")
    course = CoursePage.objects.get(title=COURSE)
    for kind, question, picks in _correct_answers(course):
        if page.locator("fieldset", has_text=question).count():  # the attempt's own draw
            _answer_with_keyboard(page, kind, question, picks)
    _tab_to(page, page.get_by_role("button", name="Antworten abgeben"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Sie haben den Kurs abgeschlossen.")).to_be_visible()
    screenshot(page, "learner-result")

    page.get_by_role("link", name="Zu „Mein Lernen“").first.click()
    expect(page.get_by_role("heading", name="Abgeschlossen")).to_be_visible()
    expect(page.get_by_role("link", name=COURSE, exact=True)).to_be_visible()
    screenshot(page, "learner-dashboard")
    enrolment = Enrolment.objects.get(course=course, user__email="lernende@demo.kommunal-campus.de")
    assert enrolment.status == Enrolment.Status.COMPLETED
    quiz_suffix = f"/page/{QuizPage.objects.live().descendant_of(course).get().pk}"
    assert (
        LearningStatement.objects.filter(
            actor=enrolment.user, verb__endswith="/failed", object_id__endswith=quiz_suffix
        ).count()
        == 1
    )
    assert (
        LearningStatement.objects.filter(
            actor=enrolment.user, verb__endswith="/passed", object_id__endswith=quiz_suffix
        ).count()
        == 1
    )
    context.close()


def _answer_questions_shown(page, answers):
    """Answer (with the keyboard) those questions that are on the page now; return them."""
    shown = [a for a in answers if page.locator("fieldset", has_text=a[1]).count()]
    for kind, question, picks in shown:
        _answer_with_keyboard(page, kind, question, picks)
    return shown


def _learner_starts_the_cdo_quiz(browser, live_server, **quiz_settings):
    """The demo learner, enrolled in the CDO course whose final quiz has ``quiz_settings``,
    signed in and past "Quiz starten"; returns (context, page, quiz, learner, right answers)."""
    from lms.models import User
    from lms.services.learning import enrolment_create

    course = CoursePage.objects.get(title="Die Rolle des Chief Digital Officer")
    quiz = QuizPage.objects.live().descendant_of(course).get()
    for name, value in quiz_settings.items():
        setattr(quiz, name, value)
    quiz.save_revision().publish()
    learner = User.objects.get(email="lernende@demo.kommunal-campus.de")
    enrolment_create(user=learner, course=course)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, learner.email, DEMO_PASSWORD)
    page.goto(live_server.url + quiz.url)
    page.get_by_role("button", name="Quiz starten").click()
    return context, page, quiz, learner, _correct_answers(course)


def test_paged_quiz_keeps_answers_between_pages(browser, live_server, demo_site, axe):
    """A quiz with five questions per page: "Save and continue" swaps in page 2 and puts the
    focus on its heading; going back shows page 1's answers still chosen; the submit on page 2
    grades all nine the attempt drew (three from each module's pool) and the quiz is passed."""
    from lms.models import QuizAttempt

    context, page, quiz, learner, answers = _learner_starts_the_cdo_quiz(
        browser, live_server, questions_per_page=5
    )
    expect(page.get_by_role("heading", name=re.compile("Seite 1 von 2"))).to_be_focused()
    first_page = _answer_questions_shown(page, answers)
    assert len(first_page) == 5
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_role("heading", name=re.compile("Seite 2 von 2"))).to_be_focused()
    assert axe(page) == [], format_violations(axe(page))

    page.get_by_role("button", name="Vorherige Seite").click()
    expect(page.get_by_role("heading", name=re.compile("Seite 1 von 2"))).to_be_focused()
    for kind, question, picks in first_page:
        fieldset = page.locator("fieldset", has_text=question)
        if kind == "short_answer":
            expect(fieldset.get_by_label("Ihre Antwort")).to_have_value(picks[0])
        else:
            expect(fieldset.get_by_label(picks[0], exact=True)).to_be_checked()
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.get_by_role("heading", name=re.compile("Seite 2 von 2"))).to_be_focused()
    assert len(_answer_questions_shown(page, answers)) == 4
    page.get_by_role("button", name="Antworten abgeben").click()
    expect(page.get_by_text("Bestanden.")).to_be_visible()
    attempt = QuizAttempt.objects.get(enrolment__user=learner, quiz=quiz)
    assert attempt.score_percent == 100 and len(attempt.answers) == 9
    context.close()


def test_timed_quiz_counts_down_and_submits_itself(browser, live_server, demo_site, axe):
    """A timed quiz shows the time left (an accessible timer), and when it runs out the page
    submits what is on it: the learner lands on the result of that attempt."""
    from datetime import timedelta

    from django.utils import timezone

    from lms.models import QuizAttempt

    context, page, quiz, learner, answers = _learner_starts_the_cdo_quiz(
        browser, live_server, time_limit_minutes=15
    )
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^1[45]:\d\d$"))
    assert axe(page) == [], format_violations(axe(page))

    # Time passes: 20 seconds are left when the learner reloads and answers; nobody submits.
    attempt = QuizAttempt.objects.get(enrolment__user=learner, quiz=quiz)
    deadline = timezone.now() + timedelta(seconds=20)
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    page.reload()
    expect(timer).to_have_text(re.compile(r"^0:(1\d|20)$"))
    answered = _answer_questions_shown(page, answers)
    page.wait_for_url(re.compile(r"/versuch/\d+/$"), timeout=40000)
    expect(page.get_by_text("Bestanden.")).to_be_visible()
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert len(attempt.answers) == len(answered) and attempt.passed
    context.close()
