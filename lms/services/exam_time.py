"""Time limits of quiz attempts and extra time (Nachteilsausgleich).

A timed attempt gets its deadline when it starts: the quiz's limit, plus the person's extra
time (the larger of an HR grant for all courses and a trainer's grant for this course). The
server is the clock: answers saved after the deadline plus ``QUIZ_DEADLINE_GRACE_SECONDS``
(network and a slow click) do not count, and an attempt whose time is up is graded with what
was saved in time, whether the browser submits it, the learner comes back, or the beat task
finds it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ..models import AuditEvent, ExamTimeExtension, QuizAttempt, User
from .audit import audit_record


def extra_percent_for(user: User, course_id: int | None) -> int:
    """The person's extra time for this course, in percent (0 without a grant)."""
    found = ExamTimeExtension.objects.filter(
        Q(course__isnull=True) | Q(course_id=course_id), user=user
    ).aggregate(extra=Max("extra_percent"))
    return found["extra"] or 0


def attempt_deadline(quiz, user: User, course_id: int | None, start: datetime) -> datetime | None:
    if not quiz.time_limit_minutes:
        return None
    minutes = quiz.time_limit_minutes * (100 + extra_percent_for(user, course_id)) / 100
    return start + timedelta(minutes=minutes)


def attempt_time_is_up(attempt: QuizAttempt, now: datetime | None = None) -> bool:
    """Past the deadline and its grace: nothing the learner sends now counts."""
    if attempt.deadline is None:
        return False
    grace = timedelta(seconds=settings.QUIZ_DEADLINE_GRACE_SECONDS)
    return (now or timezone.now()) > attempt.deadline + grace


def seconds_left(attempt: QuizAttempt, now: datetime | None = None) -> int | None:
    if attempt.deadline is None:
        return None
    return max(int((attempt.deadline - (now or timezone.now())).total_seconds()), 0)


@transaction.atomic
def time_extension_set(
    *, user: User, course, extra_percent: int, granted_by: User
) -> ExamTimeExtension | None:
    """Grant (or with 0 withdraw) extra time; ``course`` None means all courses (HR).

    Attempts already running keep their deadline: the grant counts from the next attempt."""
    existing = ExamTimeExtension.objects.filter(user=user, course=course)
    previous = existing.first()
    if not extra_percent:
        existing.delete()
        extension = None
    else:
        extension, _created = ExamTimeExtension.objects.update_or_create(
            user=user,
            course=course,
            defaults={
                "extra_percent": extra_percent,
                "granted_by": granted_by,
                "granted_at": timezone.now(),
            },
        )
    if (previous.extra_percent if previous else 0) != extra_percent:
        audit_record(
            actor=granted_by,
            action=AuditEvent.Action.EXAM_TIME,
            subject=user,
            detail={"course": getattr(course, "pk", None), "extra_percent": extra_percent},
        )
    return extension
