"""Timed quizzes: the server is the clock, and extra time (Nachteilsausgleich) is granted by HR
or the course's trainer, never by oneself.

Where a test needs time to pass, it moves the attempt's deadline into the past: what the server
sees is the same as a learner who kept working after the time was up.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from lms import services
from lms.models import ExamTimeExtension, Membership, QuizAttempt
from lms.tasks import quiz_attempts_close_expired_task
from tests.factories import make_member
from tests.lms.learning_helpers import answers_for, page_form, quiz_of, start_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed_quiz(enrolment):
    """The course's four-question quiz, two questions per page, 20 minutes."""
    quiz = quiz_of(enrolment.course)
    quiz.questions_per_page = 2
    quiz.time_limit_minutes = 20
    quiz.save_revision().publish()
    return quiz


def _time_passes(attempt: QuizAttempt, *, seconds_after_deadline: int) -> None:
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=seconds_after_deadline)
    )


def test_timed_attempt_shows_its_deadline_and_an_accessible_countdown(
    client, enrolment, timed_quiz
):
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)

    assert attempt.deadline - attempt.started_at == timedelta(minutes=20)
    html = client.get(timed_quiz.url).content.decode()
    ends = timezone.localtime(attempt.deadline).strftime("%H:%M")
    assert f"Zeitbegrenzung: Dieser Versuch endet um {ends} Uhr" in html
    assert 'role="timer"' in html and "20 Minuten" in html
    assert 'data-seconds-left="1199"' in html or 'data-seconds-left="1200"' in html
    assert 'aria-live="polite" data-quiz-timer-announce' in html


def test_answers_sent_after_the_time_do_not_count(client, enrolment, timed_quiz):
    """Page 1 was saved in time; page 2 arrives two minutes late: only page 1 is graded."""
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    ids = [child.id for child in timed_quiz.questions]
    right = answers_for(timed_quiz, correct=True)
    client.post(
        reverse("learning_quiz_page", args=[attempt.pk]),
        page_form(right, ids[:2], page=1, target=2),
    )
    _time_passes(attempt, seconds_after_deadline=120)

    response = client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]),
        page_form(right, ids[2:], page=2, confirmed=True),
        follow=True,
    )

    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.score_percent == 50 and set(attempt.answers) == set(ids[:2])
    assert "Die Zeit für diesen Versuch ist abgelaufen" in response.content.decode()


def test_answers_within_the_grace_period_count(client, enrolment, timed_quiz):
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    ids = [child.id for child in timed_quiz.questions]
    right = answers_for(timed_quiz, correct=True)
    client.post(
        reverse("learning_quiz_page", args=[attempt.pk]),
        page_form(right, ids[:2], page=1, target=2),
    )
    _time_passes(attempt, seconds_after_deadline=10)  # the automatic submit, a slow network

    client.post(
        reverse("learning_quiz_submit", args=[attempt.pk]), page_form(right, ids[2:], page=2)
    )

    attempt.refresh_from_db()
    assert attempt.score_percent == 100


def test_a_page_saved_after_the_time_is_not_kept_and_the_attempt_is_graded(
    client, enrolment, timed_quiz
):
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    ids = [child.id for child in timed_quiz.questions]
    _time_passes(attempt, seconds_after_deadline=120)

    response = client.post(
        reverse("learning_quiz_page", args=[attempt.pk]),
        page_form(answers_for(timed_quiz, correct=True), ids[:2], page=1, target=2),
        HTTP_HX_REQUEST="true",
    )

    assert response["HX-Redirect"] == reverse("learning_attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert attempt.answers == {} and attempt.score_percent == 0


def test_an_attempt_left_open_is_graded_when_the_learner_returns(client, enrolment, timed_quiz):
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    _time_passes(attempt, seconds_after_deadline=3600)

    html = client.get(timed_quiz.url).content.decode()

    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert 'role="timer"' not in html and "Neuen Versuch starten" in html


def test_the_beat_task_grades_attempts_whose_time_is_up(client, enrolment, timed_quiz):
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    assert quiz_attempts_close_expired_task() == 0
    _time_passes(attempt, seconds_after_deadline=120)

    assert quiz_attempts_close_expired_task() == 1
    assert quiz_attempts_close_expired_task() == 0  # idempotent
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.SUBMITTED


def test_untimed_quiz_has_no_deadline(client, enrolment):
    client.force_login(enrolment.user)
    quiz = quiz_of(enrolment.course)
    attempt = start_attempt(client, quiz)
    assert attempt.deadline is None
    assert 'role="timer"' not in client.get(quiz.url).content.decode()


@pytest.fixture
def hr_of_learner(enrolment, amt_a, gemeinde_a):
    """HR of Gemeinde A, where the learner works."""
    services.membership_set(user=enrolment.user, organisation=amt_a)
    return make_member(gemeinde_a, Membership.Role.HR, full_name="Personal Bonn")


def test_extra_time_granted_by_hr_lengthens_the_next_attempt(
    client, enrolment, timed_quiz, hr_of_learner
):
    client.force_login(hr_of_learner)
    response = client.post(
        reverse("hr_time_extension", args=[enrolment.user.pk]), {"extra_percent": "50"}
    )
    assert response.status_code == 302
    page = client.get(reverse("hr_employee", args=[enrolment.user.pk])).content.decode()
    assert '<option value="50" selected>50 % mehr Zeit</option>' in page

    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)

    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    assert "30 Minuten" in client.get(timed_quiz.url).content.decode()


def test_the_larger_of_hr_and_trainer_grants_counts(client, enrolment, timed_quiz, trainer):
    ExamTimeExtension.objects.create(user=enrolment.user, extra_percent=25)
    client.force_login(trainer)
    response = client.post(
        reverse("course_time_extensions", args=[enrolment.course.pk]),
        {"email": enrolment.user.email.upper(), "extra_percent": "100"},
    )
    assert response.status_code == 302
    listing = client.get(reverse("course_time_extensions", args=[enrolment.course.pk]))
    assert enrolment.user.full_name in listing.content.decode()

    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)

    assert attempt.deadline - attempt.started_at == timedelta(minutes=40)


def test_trainer_cannot_grant_for_people_not_enrolled_or_in_other_courses(
    client, enrolment, timed_quiz, trainer, learner_a
):
    client.force_login(trainer)
    response = client.post(
        reverse("course_time_extensions", args=[enrolment.course.pk]),
        {"email": learner_a.email, "extra_percent": "100"},
    )
    assert "Niemand mit dieser Adresse ist in diesem Kurs eingeschrieben." in (
        response.content.decode()
    )
    assert not ExamTimeExtension.objects.exists()


def test_only_the_courses_trainers_see_its_grants(client, enrolment, learner_a):
    client.force_login(learner_a)
    url = reverse("course_time_extensions", args=[enrolment.course.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"email": enrolment.user.email, "extra_percent": "100"}).status_code == 404
    )
    assert not ExamTimeExtension.objects.exists()


def test_nobody_grants_extra_time_to_themselves(client, hr_of_learner):
    client.force_login(hr_of_learner)
    response = client.post(
        reverse("hr_time_extension", args=[hr_of_learner.pk]), {"extra_percent": "100"}
    )
    assert response.status_code == 404
    assert not ExamTimeExtension.objects.exists()


@pytest.mark.parametrize("restricted", [False, True], ids=["open course", "group-only course"])
def test_saving_a_page_of_a_timed_exam_costs_a_fixed_handful_of_queries(
    client, enrolment, timed_quiz, restricted, django_assert_max_num_queries
):
    """At exam scale (3,000 learners saving pages at once) every query of "Speichern und
    weiter" counts: page privacy is looked up only for courses that have restrictions, and
    then once per request, not once in the view and again in the service."""
    if restricted:
        group = Group.objects.create(name="Prüfungsgruppe")
        group.user_set.add(enrolment.user)
        restriction = PageViewRestriction.objects.create(
            page=enrolment.course, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(group)
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    ids = [child.id for child in timed_quiz.questions]
    right = answers_for(timed_quiz, correct=True)
    url = reverse("learning_quiz_page", args=[attempt.pk])
    with django_assert_max_num_queries(15 if restricted else 8) as captured:
        response = client.post(
            url, page_form(right, ids[:2], page=1, target=2), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200 and "Frage 3" in response.content.decode()
    restriction_lookups = [
        query for query in captured if 'FROM "wagtailcore_pageviewrestriction"' in query["sql"]
    ]
    assert len(restriction_lookups) == (1 if restricted else 0)
    assert QuizAttempt.objects.get().answers == {qid: sorted(right[qid]) for qid in ids[:2]}


def test_a_restriction_set_after_the_exam_started_refuses_the_next_page(
    client, enrolment, timed_quiz
):
    """The learning actions skip the restriction lookup for pages without restrictions; a
    restriction added meanwhile (in the Wagtail admin) counts from the next request on."""
    client.force_login(enrolment.user)
    attempt = start_attempt(client, timed_quiz)
    ids = [child.id for child in timed_quiz.questions]
    right = answers_for(timed_quiz, correct=True)
    url = reverse("learning_quiz_page", args=[attempt.pk])
    assert client.post(url, page_form(right, ids[:2], page=1, target=2)).status_code == 302
    restriction = PageViewRestriction.objects.create(
        page=enrolment.course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Nur Prüfungsamt"))
    assert client.post(url, page_form(right, ids[2:4], page=2, target=3)).status_code == 404
    assert set(QuizAttempt.objects.get().answers) == set(ids[:2])


def test_a_score_exactly_at_the_pass_mark_passes(client, enrolment):
    """Three of four right at a pass mark of 75 % is a pass (and 2 of 4 is not)."""
    quiz = quiz_of(enrolment.course)
    quiz.pass_mark = 75
    quiz.attempt_limit = 3
    quiz.save_revision().publish()
    right, wrong = answers_for(quiz, correct=True), answers_for(quiz, correct=False)
    ids = [child.id for child in quiz.questions]
    for correct_count, passed in ((2, False), (3, True)):
        attempt = services.learning.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        answers = {qid: (right if n < correct_count else wrong)[qid] for n, qid in enumerate(ids)}
        submitted = services.learning.quiz_attempt_submit(attempt=attempt, answers=answers)
        assert (submitted.score_percent, submitted.passed) == (correct_count * 25, passed)
