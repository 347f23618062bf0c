"""The learner journey: enrol, learn lessons, take quizzes, see progress.

Course, lesson and quiz pages keep their Wagtail URLs; for signed-in learners
``lms.wagtail_hooks`` hands them to the ``serve_*`` functions here, which add progress and
actions. Every write goes through ``lms.services.learning``; a rule violation becomes a 4xx.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from courses.models import CoursePage, LessonPage, QuizPage
from courses.quiz import grade, present_drawn, question_pages
from courses.selectors import course_outline

from ..models import Enrolment, QuizAttempt
from ..selectors import learning as learning_selectors
from ..services import learning as learning_services
from ..services.access import learning_access_denied
from ..services.exam_time import attempt_time_is_up, seconds_left
from ..services.learning import LearningError
from .statistics import may_see_statistics

TIME_UP_MESSAGE = gettext_lazy(
    "The time for this attempt is up. The answers saved in time have been graded."
)


def _time_up_response(request, attempt: QuizAttempt) -> HttpResponse:
    """Grade the attempt with what was saved in time and show its result."""
    learning_services.quiz_attempt_close_if_expired(attempt)
    messages.warning(request, TIME_UP_MESSAGE)
    target = reverse("learning_attempt_result", args=[attempt.pk])
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)


def _error_response(request, error: LearningError) -> HttpResponse:
    messages_by_type = {
        learning_services.NotEnrolled: _("You are not enrolled in this course."),
        learning_services.AttemptLimitReached: _("You have used all attempts for this quiz."),
        learning_services.AttemptClosed: _("This attempt has already been submitted."),
        learning_services.CompletionRuleNotMet: _("Not all requirements are met yet."),
        learning_services.AttemptTimeUp: TIME_UP_MESSAGE,
    }
    text = messages_by_type.get(type(error), _("This action is not possible."))
    if error.status == 404:
        raise Http404(text)
    return render(request, "lms/error.html", {"message": text}, status=error.status)


def _learning_page(request, model, pk: int):
    """A live page for a learning action, refused like a missing page when its privacy
    settings (or its course's) do not let this request in: the same check Wagtail applies
    to the page itself, here for our own learning URLs."""
    page = get_object_or_404(model.objects.live(), pk=pk)
    if learning_access_denied(user=request.user, page=page, request=request):
        raise Http404
    return page


def _active_enrolment_for_page(user, page) -> Enrolment:
    enrolment = learning_selectors.enrolment_for_page(user, page)
    if enrolment is None:
        raise Http404(_("You are not enrolled in this course."))
    return enrolment


def _active_enrolment(user, course) -> Enrolment:
    enrolment = learning_selectors.enrolment_for(user, course)
    if enrolment is None:
        raise Http404(_("You are not enrolled in this course."))
    return enrolment


# --- Pages served for learners (called from the before_serve_page hook) ---------------------


def serve_course_page(request: HttpRequest, page: CoursePage) -> HttpResponse:
    enrolment = learning_selectors.enrolment_for(request.user, page)
    context = page.get_context(request)
    context.update(
        {"enrolment": enrolment, "may_see_statistics": may_see_statistics(request.user, page)}
    )
    return TemplateResponse(request, "lms/course_page.html", context)


def serve_lesson_page(request: HttpRequest, page: LessonPage) -> HttpResponse | None:
    enrolment = learning_selectors.enrolment_for_page(request.user, page)
    if enrolment is None:
        return None  # visitors read the public page
    learning_services.lesson_open(enrolment=enrolment, lesson=page)
    navigation = learning_selectors.lesson_navigation(enrolment, page)
    context = page.get_context(request)
    context.update(
        {
            "enrolment": enrolment,
            "nav": navigation,
            "is_done": page.pk in navigation.state.done_lesson_ids,
        }
    )
    return TemplateResponse(request, "lms/lesson_page.html", context)


def _page_number(value, pages) -> int:
    """The 1-based page asked for, kept within the attempt's pages (bad input: page 1)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), len(pages))


def _attempt_pages(attempt: QuizAttempt, quiz: QuizPage) -> list[list]:
    """The attempt's questions as it sees them (its draw, its order, its shuffle of options),
    split into the quiz's pages."""
    presented = present_drawn(
        quiz.questions,
        learning_services.attempt_question_ids(attempt, quiz),
        shuffle_options=quiz.shuffle or quiz.questions_per_pool > 0,
        seed=attempt.seed,
    )
    return question_pages(presented, quiz.questions_per_page)


def _unanswered_numbers(pages, answers) -> list[int]:
    """1-based numbers (as the attempt shows them) of the questions without an answer."""
    questions = [question for page in pages for question in page]
    return [
        n
        for n, question in enumerate(questions, 1)
        if not any(str(value).strip() for value in answers.get(question.id, ()))
    ]


def _quiz_form_context(attempt: QuizAttempt, quiz: QuizPage, pages, number: int) -> dict:
    """One page of an open attempt, with the answers saved so far filled in."""
    questions = pages[number - 1]
    left = seconds_left(attempt)
    return {
        "seconds_left": left,
        "minutes_left": None if left is None else -(-left // 60),
        "page": quiz,
        "open_attempt": attempt,
        "entries": [(question, attempt.answers.get(question.id, [])) for question in questions],
        "page_number": number,
        "page_total": len(pages),
        "first_number": 1 + sum(len(p) for p in pages[: number - 1]),
    }


def _quiz_area_context(
    enrolment, page: QuizPage, page_number=None, *, confirm_submit: bool = False
) -> dict:
    """What the quiz area shows: past attempts, the open attempt's questions or the start."""
    attempts = list(QuizAttempt.objects.filter(enrolment=enrolment, quiz=page).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == QuizAttempt.Status.IN_PROGRESS), None)
    if open_attempt and learning_services.quiz_attempt_close_if_expired(open_attempt):
        open_attempt.refresh_from_db()  # its time ran out while the learner was away
        open_attempt = None
    submitted = [a for a in attempts if a.status == QuizAttempt.Status.SUBMITTED]
    context = {
        "page": page,
        "enrolment": enrolment,
        "attempts": submitted,
        "open_attempt": open_attempt,
        "best_score": max((a.score_percent or 0 for a in submitted), default=None),
        "has_passed": any(a.passed for a in submitted),
        "attempts_left": max(page.attempt_limit - len(attempts), 0),
    }
    if open_attempt:
        pages = _attempt_pages(open_attempt, page)
        number = _page_number(page_number, pages)
        context.update(_quiz_form_context(open_attempt, page, pages, number))
        if confirm_submit:
            context["unanswered"] = _unanswered_numbers(pages, open_attempt.answers)
    return context


def serve_quiz_page(request: HttpRequest, page: QuizPage) -> HttpResponse | None:
    enrolment = learning_selectors.enrolment_for_page(request.user, page)
    if enrolment is None:
        return None
    context = page.get_context(request)
    context.update(
        _quiz_area_context(
            enrolment,
            page,
            request.GET.get("seite"),
            confirm_submit=request.GET.get("abgabe") == "1",
        )
    )
    context["nav"] = learning_selectors.lesson_navigation(enrolment, page)
    return TemplateResponse(request, "lms/quiz_page.html", context)


# --- Actions ---------------------------------------------------------------------------------


def _enrol_panel(request, course: CoursePage, enrolment) -> HttpResponse:
    context = {"page": course, "enrolment": enrolment, "outline": course_outline(course)}
    return render(request, "lms/partials/enrol_panel.html", context)


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _learning_page(request, CoursePage, course_id)
    enrolment = learning_services.enrolment_create(user=request.user, course=course)
    if request.htmx:
        return _enrol_panel(request, course, enrolment)
    messages.success(request, _("You are enrolled. Have fun learning!"))
    return HttpResponseRedirect(course.url)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, course_id: int) -> HttpResponse:
    """Leave a course after a confirmation (GET or an unconfirmed POST shows the question;
    htmx swaps it into the panel, without JavaScript it is a page of its own)."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    enrolment = _active_enrolment(request.user, course)
    if request.method == "GET" or not request.POST.get("bestaetigt"):
        context = {"page": course, "enrolment": enrolment}
        if request.htmx:
            return render(request, "lms/partials/withdraw_confirm.html", context)
        return render(request, "lms/withdraw_confirm.html", context)
    try:
        learning_services.enrolment_withdraw(enrolment=enrolment)
    except LearningError as error:
        return _error_response(request, error)
    if request.htmx:
        return _enrol_panel(request, course, None)
    messages.success(request, _("You have left the course. Your progress is kept."))
    return HttpResponseRedirect(course.url)


@login_required
@require_POST
def lesson_mark_done(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _learning_page(request, LessonPage, lesson_id)
    enrolment = _active_enrolment_for_page(request.user, lesson)
    try:
        learning_services.lesson_complete(enrolment=enrolment, lesson=lesson)
    except LearningError as error:
        return _error_response(request, error)
    navigation = learning_selectors.lesson_navigation(enrolment, lesson)
    if request.htmx:
        context = {"page": lesson, "enrolment": enrolment, "nav": navigation, "is_done": True}
        return render(request, "lms/partials/lesson_done.html", context)
    return HttpResponseRedirect(navigation.next.url if navigation.next else lesson.url)


@login_required
@require_POST
def lesson_heartbeat(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _learning_page(request, LessonPage, lesson_id)
    enrolment = _active_enrolment_for_page(request.user, lesson)
    try:
        learning_services.lesson_heartbeat(enrolment=enrolment, lesson=lesson)
    except LearningError as error:
        return _error_response(request, error)
    return HttpResponse(status=204)


@login_required
@require_POST
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _learning_page(request, QuizPage, quiz_id)
    enrolment = _active_enrolment_for_page(request.user, quiz)
    try:
        learning_services.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    except LearningError as error:
        return _error_response(request, error)
    if request.htmx:  # the questions replace the start button: one request instead of two
        return render(request, "lms/partials/quiz_area.html", _quiz_area_context(enrolment, quiz))
    return HttpResponseRedirect(quiz.url + "#quiz-form")


def _own_attempt(request, attempt_id: int) -> tuple[QuizAttempt, QuizPage | None]:
    """The person's own attempt, while its quiz is still open to them (page privacy), and the
    quiz, loaded once: the services get this page object, so its privacy
    restrictions are looked up once per request (at exam scale every query counts)."""
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related("enrolment__course"),
        pk=attempt_id,
        enrolment__user=request.user,
    )
    quiz = QuizPage.objects.filter(pk=attempt.quiz_id).first()
    if quiz is not None and learning_access_denied(user=request.user, page=quiz, request=request):
        raise Http404
    return attempt, quiz


def _posted_answers(request) -> dict:
    return {
        key.removeprefix("q-"): request.POST.getlist(key)
        for key in request.POST
        if key.startswith("q-")
    }


@login_required
@require_POST
def quiz_page_save(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Save the answers of the page just shown and show another page of the attempt (htmx
    swaps the form; without JavaScript the quiz page reloads at that page)."""
    attempt, quiz = _own_attempt(request, attempt_id)
    if quiz is None:
        raise Http404
    pages = _attempt_pages(attempt, quiz)
    current = _page_number(request.POST.get("seite"), pages)
    target = _page_number(request.POST.get("ziel"), pages)
    try:
        attempt = learning_services.quiz_attempt_save_page(
            attempt=attempt,
            page_question_ids=[question.id for question in pages[current - 1]],
            answers=_posted_answers(request),
            quiz=quiz,
        )
    except learning_services.AttemptTimeUp:
        return _time_up_response(request, attempt)
    except LearningError as error:
        return _error_response(request, error)
    if request.htmx:
        context = _quiz_form_context(attempt, quiz, pages, target)
        return render(request, "lms/partials/quiz_form.html", context)
    return HttpResponseRedirect(f"{quiz.url}?seite={target}#quiz-form")


@login_required
@require_POST
def quiz_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Grade the attempt. On a paged quiz the last page's answers join those saved before."""
    attempt, quiz = _own_attempt(request, attempt_id)
    if quiz is None:
        raise Http404
    if attempt.status == QuizAttempt.Status.IN_PROGRESS and attempt_time_is_up(attempt):
        return _time_up_response(request, attempt)
    answers = _posted_answers(request)
    pages = _attempt_pages(attempt, quiz)
    current = _page_number(request.POST.get("seite"), pages)
    if "seite" in request.POST:  # a double click merges with the stored answers: same result
        answers = learning_services.answers_with_page(
            attempt.answers, [question.id for question in pages[current - 1]], answers
        )
    unanswered = _unanswered_numbers(pages, answers)
    if unanswered and not request.POST.get("bestaetigt"):
        return _confirm_unanswered(request, attempt, quiz, pages, current, answers, unanswered)
    try:
        learning_services.quiz_attempt_submit(attempt=attempt, answers=answers, quiz=quiz)
    except LearningError as error:
        return _error_response(request, error)
    return redirect("learning_attempt_result", attempt_id=attempt.pk)


def _confirm_unanswered(request, attempt, quiz, pages, current, answers, unanswered):
    """Before grading an attempt with unanswered questions: keep what was given (saved to the
    attempt, nothing is lost) and show the last page again with the numbers of the unanswered
    questions and a button that submits anyway. Works with and without JavaScript."""
    all_ids = [question.id for page in pages for question in page]
    try:
        attempt = learning_services.quiz_attempt_save_page(
            attempt=attempt, page_question_ids=all_ids, answers=answers, quiz=quiz
        )
    except LearningError as error:
        return _error_response(request, error)
    if not request.htmx:
        return HttpResponseRedirect(f"{quiz.url}?seite={current}&abgabe=1#quiz-form")
    context = _quiz_form_context(attempt, quiz, pages, current)
    context["unanswered"] = unanswered
    return render(request, "lms/partials/quiz_form.html", context)


@login_required
@require_GET
def attempt_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt, quiz = _own_attempt(request, attempt_id)
    if attempt.status != QuizAttempt.Status.SUBMITTED:
        raise Http404
    result = None
    if quiz:
        asked = learning_services.attempt_question_ids(attempt, quiz)
        result = grade(quiz.questions, attempt.answers, question_ids=asked)
    attempts = list(
        QuizAttempt.objects.filter(enrolment=attempt.enrolment, quiz_id=attempt.quiz_id).only(
            "passed"
        )
    )
    attempts_left = max((quiz.attempt_limit if quiz else 0) - len(attempts), 0)
    context = {
        "attempt": attempt,
        "quiz": quiz,
        "result": result,
        "enrolment": attempt.enrolment,
        "attempts_left": attempts_left,
        "show_solutions": quiz is not None
        and quiz.solutions == QuizPage.Solutions.AFTER_FINAL
        and (any(a.passed for a in attempts) or attempts_left == 0),
    }
    return render(request, "lms/attempt_result.html", context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """ "Mein Lernen": courses in progress, due dates, completed courses."""
    return render(request, "lms/dashboard.html", learning_selectors.learner_dashboard(request.user))
