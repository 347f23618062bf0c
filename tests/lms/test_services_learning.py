"""The learner journey's rules, decided on the server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import LessonPage, ModulePage
from lms.models import Enrolment, LearningStatement, LessonProgress, QuizAttempt
from lms.services import learning as svc
from tests.courses.fixtures import publish
from tests.factories import UserFactory
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of


def _finish_lessons(enrolment):
    for lesson in lessons_of(enrolment.course):
        svc.lesson_complete(enrolment=enrolment, lesson=lesson)


def _pass_quiz(enrolment):
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(enrolment.course))
    return svc.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(attempt.quiz.specific, correct=True)
    )


def test_enrolment_create_is_idempotent(learner, course):
    """Enrolling twice (double click) gives one enrolment and one 'registered' statement."""
    first = svc.enrolment_create(user=learner, course=course)
    second = svc.enrolment_create(user=learner, course=course)
    assert first.pk == second.pk
    assert LearningStatement.objects.filter(verb__endswith="/registered").count() == 1


def test_withdraw_then_reenrol_keeps_progress(enrolment):
    """Leaving and rejoining a course keeps finished lessons."""
    lesson = lessons_of(enrolment.course)[0]
    svc.lesson_complete(enrolment=enrolment, lesson=lesson)
    svc.enrolment_withdraw(enrolment=enrolment)
    again = svc.enrolment_create(user=enrolment.user, course=enrolment.course)
    assert again.pk == enrolment.pk and again.status == Enrolment.Status.ACTIVE
    assert LessonProgress.objects.get(enrolment=again, lesson=lesson).completed_at


def test_lesson_of_other_course_refused(enrolment, seeded_courses):
    """A lesson from another course cannot be completed through this enrolment."""
    foreign = LessonPage.objects.live().descendant_of(seeded_courses[0]).first()
    with pytest.raises(svc.NotEnrolled):
        svc.lesson_complete(enrolment=enrolment, lesson=foreign)
    assert not LessonProgress.objects.filter(lesson=foreign).exists()


def test_course_completes_only_after_lessons_and_quiz(enrolment):
    """Passing the quiz without the lessons does not complete; doing the lessons then does."""
    _pass_quiz(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    _finish_lessons(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.content_revision_id is not None


def test_enrolment_complete_refuses_when_rule_not_met(enrolment):
    """Calling the completion service early raises and changes nothing."""
    with pytest.raises(svc.CompletionRuleNotMet):
        svc.enrolment_complete(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_enrolment_complete_happens_once(enrolment):
    """Repeated completion calls complete once and announce it once."""
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    svc.enrolment_completed.connect(receiver)
    try:
        _finish_lessons(enrolment)
        _pass_quiz(enrolment)
        assert svc.enrolment_complete(enrolment=Enrolment.objects.get(pk=enrolment.pk)) is False
    finally:
        svc.enrolment_completed.disconnect(receiver)
    assert received == [enrolment.pk]
    assert (
        LearningStatement.objects.filter(
            verb__endswith="/completed", object_name=enrolment.course.title
        ).count()
        == 1
    )


def test_quiz_graded_on_server_and_failed_attempt_recorded(enrolment):
    """Wrong answers give a failed attempt with score 0 and a 'failed' statement."""
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(enrolment.course))
    attempt = svc.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(quiz_of(enrolment.course), correct=False)
    )
    assert (attempt.score_percent, attempt.passed) == (0, False)
    assert LearningStatement.objects.filter(verb__endswith="/failed").count() == 1


def test_quiz_ignores_posted_score(enrolment):
    """Extra fields such as a forged score are ignored; only answers count."""
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(enrolment.course))
    attempt = svc.quiz_attempt_submit(
        attempt=attempt, answers={"score": ["100"], "passed": ["true"]}
    )
    assert attempt.score_percent == 0 and not attempt.passed
    assert "score" not in attempt.answers


def test_quiz_double_submit_recorded_once(enrolment):
    """The same answers submitted twice keep one result and one statement pair."""
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    answers = answers_for(quiz, correct=False)
    svc.quiz_attempt_submit(attempt=attempt, answers=answers)
    again = svc.quiz_attempt_submit(attempt=QuizAttempt.objects.get(pk=attempt.pk), answers=answers)
    assert again.pk == attempt.pk
    assert LearningStatement.objects.filter(verb__endswith="/attempted").count() == 1


def test_closed_attempt_cannot_be_answered_again(enrolment):
    """Different answers to a submitted attempt are refused; the stored result stays."""
    quiz = quiz_of(enrolment.course)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=False))
    with pytest.raises(svc.AttemptClosed):
        svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=True))
    attempt.refresh_from_db()
    assert attempt.score_percent == 0


def test_attempt_limit_enforced(enrolment):
    """After the last allowed failed attempt no new attempt can start."""
    quiz = quiz_of(enrolment.course)
    for _number in range(quiz.attempt_limit):
        attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
        svc.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=False))
    with pytest.raises(svc.AttemptLimitReached):
        svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)


def test_open_attempt_is_reused(enrolment):
    """Starting twice (two tabs) continues the same attempt."""
    quiz = quiz_of(enrolment.course)
    first = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    assert svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz).pk == first.pk


def test_best_result_kept_after_pass(enrolment):
    """A pass stays a pass: the course completes and further attempts are not offered."""
    _finish_lessons(enrolment)
    _pass_quiz(enrolment)
    with pytest.raises(svc.AttemptClosed):
        svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(enrolment.course))


def test_heartbeat_is_capped(enrolment):
    """Active time grows by at most a minute per beat and not across long gaps."""
    lesson = lessons_of(enrolment.course)[0]
    start = timezone.now()
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start)
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start + timedelta(seconds=30))
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start + timedelta(seconds=110))
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start + timedelta(hours=3))
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    assert progress.active_seconds == 30 + 60


def test_minimum_time_blocks_completion(enrolment):
    """With a minimum learning time the course completes only once it is reached."""
    course = enrolment.course
    course.minimum_minutes = 1
    course.save()
    _finish_lessons(enrolment)
    _pass_quiz(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    lesson = lessons_of(course)[0]
    start = timezone.now()
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start)
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start + timedelta(seconds=60))
    assert svc.enrolment_try_complete(enrolment=enrolment)


def test_new_lesson_after_enrolment_is_open_and_required(enrolment):
    """A lesson added later shows as open and must be done before completion."""
    _finish_lessons(enrolment)
    module = ModulePage.objects.child_of(enrolment.course).first()
    extra = LessonPage(title="Neu", slug="neu", body=[{"type": "text", "value": "<p>neu</p>"}])
    module.add_child(instance=extra)
    publish(extra)
    _pass_quiz(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    svc.lesson_complete(enrolment=enrolment, lesson=extra)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_deleted_lesson_breaks_nothing(enrolment):
    """Deleting a finished lesson keeps the record and still lets the course complete."""
    lessons = lessons_of(enrolment.course)
    svc.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    lessons[0].delete()
    assert LessonProgress.objects.get(enrolment=enrolment).lesson_title == lessons[0].title
    _finish_lessons(enrolment)
    _pass_quiz(enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_learning_record_is_xapi_and_append_only(enrolment):
    """Statements carry actor, verb IRI, object and timestamp and cannot be changed."""
    statement = LearningStatement.objects.first()
    data = statement.as_xapi()
    assert data["verb"]["id"] == "http://adlnet.gov/expapi/verbs/registered"
    assert data["object"]["id"].endswith(f"/page/{enrolment.course.pk}")
    assert {"actor", "verb", "object", "timestamp"} <= set(data)
    statement.object_name = "geändert"
    with pytest.raises(Exception, match="append-only"):
        statement.save()


def test_other_learner_cannot_use_enrolment(enrolment):
    """Services only act on the enrolment they are given; views pass the caller's own."""
    other = UserFactory()
    assert Enrolment.objects.filter(user=other).count() == 0


def test_parallel_lessons_count_wall_clock_time_once(enrolment):
    """Seven lessons open in parallel tabs, each beating every 30 s for two minutes, add up to
    the two minutes that passed (here 840 s were recorded for 121 s of wall time)."""
    module = ModulePage.objects.child_of(enrolment.course).first()
    for n in range(7 - len(lessons_of(enrolment.course))):
        extra = LessonPage(
            title=f"Parallel {n}",
            slug=f"parallel-{n}",
            body=[{"type": "text", "value": "<p>x</p>"}],
        )
        module.add_child(instance=extra)
        publish(extra)
    lessons = lessons_of(enrolment.course)[:7]
    assert len(lessons) == 7
    start = timezone.now()
    for beat in range(5):  # 0, 30, 60, 90, 120 s
        for n, lesson in enumerate(lessons):
            now = start + timedelta(seconds=30 * beat, milliseconds=100 * n)
            svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=now)
    total = sum(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("active_seconds", flat=True)
    )
    assert 115 <= total <= 121


def test_a_late_beat_adds_nothing(enrolment):
    """A beat older than the last one counted (a delayed request) adds no time."""
    lesson = lessons_of(enrolment.course)[0]
    start = timezone.now()
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start)
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start + timedelta(seconds=30))
    svc.lesson_heartbeat(enrolment=enrolment, lesson=lesson, now=start + timedelta(seconds=20))
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    assert progress.active_seconds == 30
