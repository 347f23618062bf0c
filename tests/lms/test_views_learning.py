"""The learner journey over HTTP: enrol, lessons, quizzes, and forged requests refused."""

import pytest
from django.urls import reverse

from lms.models import Enrolment, LessonProgress, QuizAttempt
from lms.services import learning as svc
from tests.factories import UserFactory
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of


def _form(answers):
    return {f"q-{qid}": values for qid, values in answers.items()}


def test_course_page_offers_enrolment_to_signed_in_person(client, learner, course):
    """The course page shows "Enrol now"; one click enrols (htmx returns the new panel)."""
    client.force_login(learner)
    assert "Jetzt einschreiben" in client.get(course.url).content.decode()
    response = client.post(reverse("learning_enrol", args=[course.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Sie sind in diesem Kurs eingeschrieben" in response.content.decode()
    assert f'href="{lessons_of(course)[0].url}"' in response.content.decode()
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_enrol_without_javascript_redirects_back(client, learner, course):
    """Without htmx the plain form post enrols and returns to the course page."""
    client.force_login(learner)
    response = client.post(reverse("learning_enrol", args=[course.pk]))
    assert response.status_code == 302 and response["Location"] == course.url


def test_anonymous_sees_login_prompt_and_cannot_enrol(client, course):
    """Visitors are asked to log in; the enrol endpoint sends them to the login page."""
    assert "Zum Einschreiben anmelden" in client.get(course.url).content.decode()
    response = client.post(reverse("learning_enrol", args=[course.pk]))
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_lesson_page_shows_outline_states_and_records_opening(client, enrolment):
    """An enrolled learner sees the outline with states; opening is recorded for resume."""
    client.force_login(enrolment.user)
    lesson = lessons_of(enrolment.course)[0]
    html = client.get(lesson.url).content.decode()
    assert "Als erledigt markieren" in html and "aktuell" in html
    enrolment.refresh_from_db()
    assert enrolment.last_page_id == lesson.pk


def test_mark_done_htmx_and_plain(client, enrolment):
    """Marking done works with htmx (partial, no reload) and as a plain form post."""
    client.force_login(enrolment.user)
    lesson = lessons_of(enrolment.course)[0]
    url = reverse("learning_lesson_done", args=[lesson.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "Lektion abgeschlossen" in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert client.post(url).status_code == 302
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).completed_at


def test_mark_done_in_course_not_enrolled_is_404(client, learner, course):
    """Completing a lesson of a course one is not enrolled in changes nothing: 404."""
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    response = client.post(reverse("learning_lesson_done", args=[lesson.pk]))
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_forged_score_post_changes_nothing(client, enrolment):
    """Posting a score or 'passed' field does not pass the quiz."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    client.post(reverse("learning_quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]),
        {"score": "100", "passed": "1", "score_percent": "100", "bestaetigt": "1"},
    )
    attempt.refresh_from_db()
    assert attempt.score_percent == 0 and not attempt.passed


def test_someone_elses_attempt_is_404(client, enrolment):
    """Another person cannot submit or read my attempt."""
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    client.force_login(UserFactory())
    form = _form(answers_for(quiz, correct=True))
    assert client.post(reverse("learning_quiz_submit", args=[attempt.pk]), form).status_code == 404
    assert client.get(reverse("learning_attempt_result", args=[attempt.pk])).status_code == 404


def test_closed_attempt_answered_again_is_409(client, enrolment):
    """Answering a closed attempt with other answers is refused and keeps the result."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    url = reverse("learning_quiz_submit", args=[attempt.pk])
    client.post(url, _form(answers_for(quiz, correct=False)))
    response = client.post(url, _form(answers_for(quiz, correct=True)))
    assert response.status_code == 409
    attempt.refresh_from_db()
    assert attempt.score_percent == 0


def test_double_submit_same_answers_shows_result_once(client, enrolment):
    """A double click lands on the same result page and stores one attempt."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    url = reverse("learning_quiz_submit", args=[attempt.pk])
    form = _form(answers_for(quiz, correct=False))
    first, second = client.post(url, form), client.post(url, form)
    assert first["Location"] == second["Location"]
    assert QuizAttempt.objects.filter(status="submitted").count() == 1


def test_failed_result_shows_what_was_wrong_not_the_answers(client, enrolment):
    """A failed attempt with attempts left marks the wrong questions but sends neither the
    right answers nor the explanations (a blank attempt must not hand out the key)."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]), _form(answers_for(quiz, correct=False))
    )
    html = client.get(reverse("learning_attempt_result", args=[attempt.pk])).content.decode()
    assert "Noch nicht bestanden" in html and "Falsch" in html
    assert "Richtige Antwort:" not in html
    for child in quiz.questions:
        assert child.value["explanation"] not in html
    assert "216.000 Euro" not in html  # the right option of the first question


def test_result_shows_solutions_after_the_last_attempt(client, enrolment):
    """With no attempt left, the learner sees the right answers and why."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    for _ in range(quiz.attempt_limit):
        attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=False))
    html = client.get(reverse("learning_attempt_result", args=[attempt.pk])).content.decode()
    assert "Richtige Antwort" in html
    assert quiz.questions[0].value["explanation"] in html


def test_attempt_limit_reached_is_409(client, enrolment):
    """Starting beyond the attempt limit is refused with a German message."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    for _attempt in range(quiz.attempt_limit):
        attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=False))
    response = client.post(reverse("learning_quiz_start", args=[quiz.pk]))
    assert response.status_code == 409
    assert "alle Versuche" in response.content.decode()


def test_full_course_completion_over_http(client, enrolment):
    """Doing every lesson and passing the quiz completes the course and shows it."""
    client.force_login(enrolment.user)
    for lesson in lessons_of(enrolment.course):
        client.post(reverse("learning_lesson_done", args=[lesson.pk]))
    quiz = quiz_of(enrolment.course)
    client.post(reverse("learning_quiz_start", args=[quiz.pk]))
    attempt = QuizAttempt.objects.get()
    response = client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]),
        _form(answers_for(quiz, correct=True)),
        follow=True,
    )
    assert "Kurs abgeschlossen" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    dashboard = client.get(reverse("learning_dashboard")).content.decode()
    assert "abgeschlossen am" in dashboard


def test_dashboard_empty_state_explains_next_step(client, learner):
    """A newcomer's dashboard explains how to find and enrol in a course."""
    client.force_login(learner)
    html = client.get(reverse("learning_dashboard")).content.decode()
    assert "noch in keinen Kurs eingeschrieben" in html


@pytest.mark.parametrize("extra_courses", [0, 2])
def test_dashboard_query_count_constant(
    client, learner, seeded_courses, course, django_assert_num_queries, extra_courses
):
    """Mein Lernen costs the same number of queries with 1 or 3 courses."""
    svc.enrolment_create(user=learner, course=course)
    for seeded in seeded_courses[:extra_courses]:
        svc.enrolment_create(user=learner, course=seeded)
    client.force_login(learner)
    # Warm caches as in production: publishing the courses (the search index asks for page
    # URLs) has already cached Wagtail's site root paths.
    with django_assert_num_queries(14):  # incl. certificates, external proofs, training hours
        assert client.get(reverse("learning_dashboard")).status_code == 200


def test_trainer_statistics_aggregated_and_scoped(client, enrolment, trainer):
    """The responsible trainer sees counts and most-missed questions; others get 404."""
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=False))
    url = reverse("course_statistics", args=[enrolment.course.pk])
    client.force_login(trainer)
    assert url in client.get(enrolment.course.url).content.decode()
    html = client.get(url).content.decode()
    assert "Abschlussquote" in html and quiz.questions[0].value["question"] in html
    assert enrolment.user.full_name not in html
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_wagtail_privacy_settings_still_apply_to_learners(client, enrolment):
    """A password-protected course stays protected for enrolled learners too."""
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=enrolment.course, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    client.force_login(enrolment.user)
    for page in (enrolment.course, lessons_of(enrolment.course)[0]):
        html = client.get(page.url).content.decode()
        assert "Als erledigt markieren" not in html and "Jetzt einschreiben" not in html
        assert 'name="password"' in html


def test_quiz_start_with_htmx_shows_questions_in_place(client, enrolment):
    """With htmx, "Start quiz" answers with the questions of the new attempt (no reload), and
    the attempt heading takes the focus; without JavaScript the form still redirects."""
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    response = client.post(reverse("learning_quiz_start", args=[quiz.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    attempt = QuizAttempt.objects.get(enrolment=enrolment)
    assert 'id="quiz-area"' in html
    assert reverse("learning_quiz_submit", args=[attempt.pk]) in html
    assert 'id="quiz-attempt-heading" tabindex="-1" autofocus' in html
    assert all(f'name="q-{question.id}"' in html for question in quiz.questions)
    assert "<html" not in html  # a fragment, not the whole page

    plain = client.post(reverse("learning_quiz_start", args=[quiz.pk]))
    assert plain.status_code == 302 and plain["Location"].endswith("#quiz-form")
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 1  # the open one resumed


def test_course_pages_route_by_url_path(client, enrolment):
    """Lessons and quizzes are found at their URLs; an unpublished lesson or a made-up path
    below a course is a 404, as with Wagtail's own routing."""
    client.force_login(enrolment.user)
    lesson = lessons_of(enrolment.course)[0]
    assert client.get(lesson.url).status_code == 200
    assert client.get(quiz_of(enrolment.course).url).status_code == 200
    assert client.get(lesson.url + "gibt-es-nicht/").status_code == 404
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404


def test_leaving_a_course_asks_first(client, enrolment):
    """ "Aus dem Kurs austragen" asks before it acts: the first POST (no JavaScript) shows the
    question and changes nothing; the confirmed POST leaves; progress is kept."""
    client.force_login(enrolment.user)
    url = reverse("learning_withdraw", args=[enrolment.course.pk])
    response = client.post(url)
    assert response.status_code == 200 and "Kurs verlassen?" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    client.post(url, {"bestaetigt": "1"})
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


def test_leaving_asks_in_place_with_htmx(client, enrolment):
    """With htmx the question replaces the panel, its heading takes the focus."""
    client.force_login(enrolment.user)
    url = reverse("learning_withdraw", args=[enrolment.course.pk])
    html = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="enrol-panel"' in html and "autofocus" in html and 'name="bestaetigt"' in html


def test_an_assigned_course_cannot_be_left(client, learner, course):
    """A course HR assigned cannot be left by the learner, even with a forged confirmation."""
    enrolment = svc.enrolment_create(user=learner, course=course, source="assigned")
    client.force_login(learner)
    client.post(reverse("learning_withdraw", args=[course.pk]), {"bestaetigt": "1"})
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert "Aus dem Kurs austragen" not in client.get(course.url).content.decode()


def test_plain_form_enrol_enrols(client, learner, course):
    """The enrol button without JavaScript (a plain POST) enrols and returns to the course."""
    client.force_login(learner)
    response = client.post(reverse("learning_enrol", args=[course.pk]))
    assert response.status_code == 302 and response["Location"] == course.url
    assert Enrolment.objects.filter(user=learner, course=course, status="active").exists()
