"""Enrolment, progress, quizzes and completion: every write of the learner journey.

Rules are decided here, on the server, never from what the browser sends: a lesson counts only
when it is a live lesson of a course the person is actively enrolled in; a quiz is graded from
the stored questions; a course completes only when ``completion_rule_met`` holds. "Only once"
guarantees rest on conditional UPDATEs and unique constraints, so they also hold on SQLite where
``select_for_update`` does nothing.
"""

import secrets
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.dispatch import Signal
from django.utils import timezone
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, QuizPage
from courses.quiz import draw_question_ids, grade, present_questions
from courses.selectors import course_content_revision, course_requirements

from .. import xapi
from ..dates import qualification_valid_until
from ..models import Enrolment, LearningStatement, LessonProgress, QuizAttempt, User
from .access import _view_restrictions, learning_access_denied
from .exam_time import attempt_deadline, attempt_time_is_up
from .qualification_status import qualification_status_refresh

# Sent inside the completing transaction with ``enrolment``. Certificates connect here; receivers
# must queue work with ``transaction.on_commit`` so a rollback leaves nothing behind.
enrolment_completed = Signal()

HEARTBEAT_CAP_SECONDS = 60
HEARTBEAT_GAP_SECONDS = 120


class LearningError(Exception):
    """A request the rules do not allow; views turn it into a 4xx with this message."""

    status = 400


class NotEnrolled(LearningError):
    status = 404


class AttemptLimitReached(LearningError):
    status = 409


class AttemptClosed(LearningError):
    status = 409


class NotAllowed(LearningError):
    """Page privacy refuses this person (answered as a missing page)."""

    status = 404


class AttemptTimeUp(LearningError):
    """The attempt's time limit has passed: it was graded with the answers saved in time."""

    status = 409


class CompletionRuleNotMet(LearningError):
    status = 409


def statement_record(
    *, enrolment: Enrolment, verb: str, page: Page, result=None, extensions=None
) -> LearningStatement:
    """Append one xAPI statement to the learning record (forwarded to the configured record
    stores by ``lms.services.lrs``). The enrolment gives the actor and the registration (one
    per cycle); a lesson's or quiz's course is its parent activity."""
    context = {
        "registration": str(enrolment.registration),
        "platform": "Kommunal-Campus",
        "language": "de-DE",
    }
    if page.pk != enrolment.course_id:
        context["contextActivities"] = {
            "parent": [
                {
                    "id": xapi.activity_id(enrolment.course_id),
                    "objectType": "Activity",
                    "definition": {"type": xapi.activity_type_iri("course")},
                }
            ]
        }
    if extensions:
        context["extensions"] = extensions
    return LearningStatement.objects.create(
        actor_id=enrolment.user_id,
        verb=xapi.verb_iri(verb),
        object_id=xapi.activity_id(page.pk),
        object_name=page.title[:255],
        object_type=xapi.activity_type_iri(xapi.activity_kind(page)),
        result=result or {},
        context=context,
    )


@transaction.atomic
def enrolment_create(
    *, user: User, course: CoursePage, source: str = Enrolment.Source.SELF, due_date=None
) -> Enrolment:
    """Enrol ``user`` in ``course`` (idempotent). A withdrawn enrolment is reactivated with its
    progress intact; a completed one is returned unchanged."""
    if not course.live:
        raise NotEnrolled("course not published")
    _check_access(user, course)
    enrolment = Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()
    if enrolment is None:
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    user=user, course=course, source=source, due_date=due_date
                )
        except IntegrityError:  # a parallel request enrolled first
            return Enrolment.objects.get(user=user, course=course, cycle=1)
        statement_record(enrolment=enrolment, verb="registered", page=course)
        qualification_status_refresh(user_ids=[user.pk], course_ids=[course.pk])
        return enrolment
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.save(update_fields=["status"])
        statement_record(enrolment=enrolment, verb="registered", page=course)
        qualification_status_refresh(user_ids=[user.pk], course_ids=[course.pk])
    return enrolment


@transaction.atomic
def enrolment_next_cycle(*, enrolment: Enrolment) -> Enrolment:
    """Start the next cycle after a completed enrolment (recertification); idempotent. Like
    every enrolment write it refreshes the stored matrix cell, so HR sees "not started" for the
    new cycle at once instead of "held" for the old one."""
    try:
        with transaction.atomic():
            following = Enrolment.objects.create(
                user=enrolment.user,
                course=enrolment.course,
                cycle=enrolment.cycle + 1,
                source=enrolment.source,
            )
    except IntegrityError:  # started already (a parallel request or a second click)
        return Enrolment.objects.get(
            user=enrolment.user, course=enrolment.course, cycle=enrolment.cycle + 1
        )
    statement_record(enrolment=following, verb="registered", page=enrolment.course)
    qualification_status_refresh(user_ids=[enrolment.user_id], course_ids=[enrolment.course_id])
    return following


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Leave a course; progress is kept in case the person comes back. Completed enrolments
    and HR assignments stay (an assignment is withdrawn by HR)."""
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise LearningError("only active enrolments can be withdrawn")
    if enrolment.source == Enrolment.Source.ASSIGNED:
        raise LearningError("assigned courses cannot be left")
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save(update_fields=["status"])
    statement_record(enrolment=enrolment, verb="exited", page=enrolment.course)
    qualification_status_refresh(user_ids=[enrolment.user_id], course_ids=[enrolment.course_id])
    return enrolment


def _check_access(subject: User | Enrolment | QuizAttempt, page: Page) -> None:
    """Page privacy (login and group restrictions of the page and its ancestors). Given an
    enrolment or an attempt, its person is loaded only when the page has restrictions at all."""
    if not page.live or _view_restrictions(page):
        if isinstance(subject, QuizAttempt):
            subject = subject.enrolment
        person = subject.user if isinstance(subject, Enrolment) else subject
        if learning_access_denied(user=person, page=page):
            raise NotAllowed("page privacy")


def _check_page_in_course(enrolment: Enrolment, page: Page, model) -> None:
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise NotEnrolled("not enrolled")
    specific_class = page.specific_class
    if not (
        specific_class is not None
        and issubclass(specific_class, model)
        and page.live
        and page.path.startswith(enrolment.course.path)
    ):
        raise NotEnrolled("page is not part of this course")
    _check_access(enrolment, page)


@transaction.atomic
def lesson_open(*, enrolment: Enrolment, lesson: Page) -> LessonProgress:
    """Record that a lesson was opened (first time only) and remember it for "resume"."""
    _check_page_in_course(enrolment, lesson, LessonPage)
    progress, created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=lesson, defaults={"lesson_title": lesson.title[:255]}
    )
    if enrolment.last_page_id != lesson.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_page=lesson)
        enrolment.last_page_id = lesson.pk
    if created:
        statement_record(enrolment=enrolment, verb="experienced", page=lesson)
    return progress


@transaction.atomic
def lesson_heartbeat(*, enrolment: Enrolment, lesson: Page, now=None) -> LessonProgress:
    """Add coarse active time on the enrolment's wall clock: the time since the previous beat
    from *any* lesson of the enrolment, capped at a minute, nothing after a long gap (a tab
    left open overnight does not count). The time goes to the lesson that beat. The previous
    beat is claimed with a conditional UPDATE, so of two beats racing from parallel tabs only
    one counts the interval; seven lessons open at once add up to the elapsed time, not seven
    times it."""
    now = now or timezone.now()
    progress = lesson_open(enrolment=enrolment, lesson=lesson)  # checks page and access
    previous = (
        Enrolment.objects.filter(pk=enrolment.pk).values_list("last_heartbeat_at", flat=True).get()
    )
    if previous is not None and now <= previous:
        return progress  # an older beat arriving late
    claimed = Enrolment.objects.filter(pk=enrolment.pk, last_heartbeat_at=previous).update(
        last_heartbeat_at=now
    )
    added = 0
    if claimed and previous is not None:
        gap = (now - previous).total_seconds()
        if gap <= HEARTBEAT_GAP_SECONDS:
            added = int(min(gap, HEARTBEAT_CAP_SECONDS))
    LessonProgress.objects.filter(pk=progress.pk).update(
        last_heartbeat_at=now, active_seconds=F("active_seconds") + added
    )
    progress.refresh_from_db(fields=["last_heartbeat_at", "active_seconds"])
    return progress


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson: Page) -> LessonProgress:
    """Mark a lesson done (idempotent) and complete the course if that was the last step."""
    progress = lesson_open(enrolment=enrolment, lesson=lesson)
    if progress.completed_at is None:
        revision_id = lesson.live_revision_id
        updated = LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=timezone.now(), revision_id=revision_id
        )
        if updated:
            progress.refresh_from_db()
            statement_record(
                enrolment=enrolment,
                verb="completed",
                page=lesson,
                result={
                    "completion": True,
                    "duration": xapi.iso_duration(progress.active_seconds),
                },
            )
            if not enrolment_try_complete(enrolment=enrolment):  # completion refreshes itself
                qualification_status_refresh(
                    user_ids=[enrolment.user_id], course_ids=[enrolment.course_id]
                )
    return progress


def quiz_attempt_start(*, enrolment: Enrolment, quiz: Page) -> QuizAttempt:
    """Return the open attempt or start the next one, within the quiz's attempt limit."""
    _check_page_in_course(enrolment, quiz, QuizPage)
    quiz = quiz.specific
    attempts = list(QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == QuizAttempt.Status.IN_PROGRESS), None)
    if open_attempt:
        quiz_attempt_close_if_expired(open_attempt)  # its result shows; no new attempt silently
        return open_attempt
    enrolment.refresh_from_db(fields=["status"])
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise AttemptClosed("the course is already completed")
    if any(attempt.passed for attempt in attempts):
        raise AttemptClosed("the quiz is already passed")
    used = len(attempts)
    if used >= quiz.attempt_limit:
        raise AttemptLimitReached("no attempts left")
    seed = secrets.token_hex(8)
    started_at = timezone.now()
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(
                enrolment=enrolment,
                quiz=quiz,
                quiz_title=quiz.title[:255],
                number=used + 1,
                seed=seed,
                question_ids=draw_question_ids(
                    quiz.questions,
                    per_pool=quiz.questions_per_pool,
                    shuffle=quiz.shuffle,
                    seed=seed,
                ),
                pass_mark=quiz.effective_pass_mark(),
                revision_id=quiz.live_revision_id,
                started_at=started_at,
                deadline=attempt_deadline(quiz, enrolment.user, enrolment.course_id, started_at),
            )
    except IntegrityError:  # two tabs started at once: both continue the same attempt
        return QuizAttempt.objects.get(enrolment=enrolment, quiz=quiz, number=used + 1)


def _attempt_quiz(attempt: QuizAttempt, quiz: QuizPage | None) -> QuizPage:
    """The attempt's quiz: the page object the caller already loaded (its privacy
    restrictions are cached on it, so a request looks them up once), else from the database."""
    if quiz is None or quiz.pk != attempt.quiz_id:
        quiz = QuizPage.objects.filter(pk=attempt.quiz_id).first()
    if quiz is None:
        raise AttemptClosed("the quiz no longer exists")
    return quiz


def attempt_question_ids(attempt: QuizAttempt, quiz) -> list[str]:
    """The questions the attempt asks, in its order: its stored draw, or for attempts started
    before draws were stored every question in the order its seed shuffled them."""
    if attempt.question_ids:
        return list(attempt.question_ids)
    presented = present_questions(quiz.questions, shuffle=quiz.shuffle, seed=attempt.seed)
    return [question.id for question in presented]


def _normalise_answers(answers: Mapping) -> dict:
    return {str(key): sorted(str(v) for v in values) for key, values in answers.items()}


def answers_with_page(saved: Mapping, page_question_ids, posted: Mapping) -> dict:
    """The attempt's answers after a page was sent: the page's questions take what was posted
    (nothing posted means unanswered), every other question keeps its saved answer."""
    page_ids = {str(qid) for qid in page_question_ids}
    merged = {qid: values for qid, values in saved.items() if qid not in page_ids}
    merged.update({qid: values for qid, values in _normalise_answers(posted).items() if values})
    return merged


@transaction.atomic
def quiz_attempt_save_page(
    *, attempt: QuizAttempt, page_question_ids, answers: Mapping, quiz: QuizPage | None = None
) -> QuizAttempt:
    """Keep the answers of one page of an open attempt (paged quizzes save on every page
    change). Only questions of that page are written; a closed attempt is refused. ``quiz``
    is the attempt's quiz if the caller has it loaded already."""
    locked = (
        QuizAttempt.objects.select_for_update()
        .filter(pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS)
        .first()
    )
    if locked is None:
        raise AttemptClosed("this attempt has already been submitted")
    _check_access(locked, _attempt_quiz(locked, quiz))
    if attempt_time_is_up(locked):
        raise AttemptTimeUp("the time limit has passed")
    page_ids = {str(qid) for qid in page_question_ids}
    posted = {qid: values for qid, values in answers.items() if str(qid) in page_ids}
    locked.answers = answers_with_page(locked.answers, page_ids, posted)
    locked.save(update_fields=["answers"])
    return locked


@transaction.atomic
def quiz_attempt_submit(
    *, attempt: QuizAttempt, answers: Mapping, quiz: QuizPage | None = None
) -> QuizAttempt:
    """Grade and close an attempt exactly once. A repeated submit of the same answers (double
    click, retry) returns the stored result; different answers to a closed attempt are refused.
    After the time limit (and its grace) only the answers saved in time count."""
    if attempt_time_is_up(attempt):
        attempt.refresh_from_db(fields=["answers"])
        answers = attempt.answers
    answers = _normalise_answers(answers)
    quiz = _attempt_quiz(attempt, quiz)
    _check_access(attempt, quiz)
    asked = attempt_question_ids(attempt, quiz)
    result = grade(quiz.questions, answers, question_ids=asked)
    known_ids = set(asked)
    stored_answers = {qid: values for qid, values in answers.items() if qid in known_ids}
    passed = result.passed(attempt.pass_mark or quiz.effective_pass_mark())
    updated = QuizAttempt.objects.filter(
        pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS
    ).update(
        status=QuizAttempt.Status.SUBMITTED,
        submitted_at=timezone.now(),
        answers=stored_answers,
        question_results={question.id: question.correct for question in result.questions},
        score_percent=result.score_percent,
        passed=passed,
    )
    attempt.refresh_from_db()
    if not updated:
        if attempt.answers == stored_answers:
            return attempt
        raise AttemptClosed("this attempt has already been submitted")
    enrolment = attempt.enrolment
    score = {
        "scaled": result.score_percent / 100,
        "raw": result.score_percent,
        "min": 0,
        "max": 100,
    }
    duration = xapi.iso_duration((attempt.submitted_at - attempt.started_at).total_seconds())
    statement_record(
        enrolment=enrolment,
        verb="attempted",
        page=quiz,
        result={"score": score, "duration": duration},
    )
    statement_record(
        enrolment=enrolment,
        verb="passed" if passed else "failed",
        page=quiz,
        result={"score": score, "success": passed, "completion": True, "duration": duration},
    )
    if passed:
        enrolment_try_complete(enrolment=enrolment)
    return attempt


def quiz_attempt_close_if_expired(attempt: QuizAttempt) -> bool:
    """Grade an open attempt whose time is up with the answers saved in time (the learner
    closed the tab, lost the connection, or came back too late). Idempotent."""
    if attempt.status != QuizAttempt.Status.IN_PROGRESS or not attempt_time_is_up(attempt):
        return False
    try:
        quiz_attempt_submit(attempt=attempt, answers={})
    except AttemptClosed:
        return False
    return True


def quiz_attempts_close_expired() -> int:
    """Close every open attempt whose time is up (beat task): HR and statistics see results,
    not attempts that stay open forever."""
    grace = timezone.now() - timedelta(seconds=settings.QUIZ_DEADLINE_GRACE_SECONDS)
    expired = QuizAttempt.objects.filter(
        status=QuizAttempt.Status.IN_PROGRESS, deadline__lt=grace
    ).select_related("enrolment")
    return sum(quiz_attempt_close_if_expired(attempt) for attempt in expired.iterator())


def active_minutes(enrolment: Enrolment) -> int:
    seconds = enrolment.lesson_progress.aggregate(total=Sum("active_seconds"))["total"] or 0
    return seconds // 60


def completion_rule_met(enrolment: Enrolment) -> bool:
    """All required live lessons done, every final quiz passed at its pass mark, and the
    course's optional minimum learning time reached. Lessons deleted later do not count."""
    course = enrolment.course
    requirements = course_requirements(course)
    done = set(
        enrolment.lesson_progress.filter(
            completed_at__isnull=False, lesson_id__in=requirements.required_lesson_ids
        ).values_list("lesson_id", flat=True)
    )
    if done != set(requirements.required_lesson_ids):
        return False
    passed_quizzes = set(
        enrolment.quiz_attempts.filter(
            passed=True, quiz_id__in=list(requirements.final_quiz_pass_marks)
        ).values_list("quiz_id", flat=True)
    )
    if passed_quizzes != set(requirements.final_quiz_pass_marks):
        return False
    return not (course.minimum_minutes and active_minutes(enrolment) < course.minimum_minutes)


def enrolment_try_complete(*, enrolment: Enrolment) -> bool:
    """Complete the enrolment if the rule now holds; quietly do nothing otherwise."""
    if enrolment.status != Enrolment.Status.ACTIVE or not completion_rule_met(enrolment):
        return False
    return enrolment_complete(enrolment=enrolment)


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment) -> bool:
    """Mark the enrolment completed, once. Returns True only for the call that completed it.

    The conditional UPDATE is the "only once" guarantee (concurrent calls: one wins). Receivers
    of ``enrolment_completed`` (certificate issuance) run in this same transaction.
    """
    if not completion_rule_met(enrolment):
        raise CompletionRuleNotMet("the completion rule does not hold yet")
    _check_access(enrolment, enrolment.course)  # no certificate for a private course
    revision = course_content_revision(enrolment.course)
    now = timezone.now()
    valid_until = qualification_valid_until(
        timezone.localdate(now), enrolment.course.certificate_validity_months
    )
    updated = Enrolment.objects.filter(pk=enrolment.pk, status=Enrolment.Status.ACTIVE).update(
        status=Enrolment.Status.COMPLETED,
        completed_at=now,
        content_revision=revision,
        valid_until=valid_until,
    )
    if not updated:
        return False
    enrolment.status, enrolment.completed_at = Enrolment.Status.COMPLETED, now
    enrolment.content_revision, enrolment.valid_until = revision, valid_until
    statement_record(enrolment=enrolment, verb="completed", page=enrolment.course)
    enrolment_completed.send(sender=Enrolment, enrolment=enrolment)
    return True
