"""Reads for the legal currency of lessons: which live lessons a recorded change flags, and
which lessons are due for a trainer's review (review date passed, or a cited source changed
after the lesson's state date). Everything is derived from dates, so revising a lesson and
moving its state date clears the flag; there is no flag row to keep in sync."""

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import CoursePage, LegalActChange, LessonPage


def _flag_condition(change: LegalActChange | None = None) -> Q:
    """A lesson is flagged by a change of an act it cites recorded after its state date (or at
    all, when the lesson has no state date)."""
    changes = LegalActChange.objects.filter(acts__citations__lesson=OuterRef("pk"))
    if change is not None:
        changes = changes.filter(pk=change.pk)
    newer = changes.filter(recorded_on__gt=OuterRef("state_date"))
    return Q(Exists(newer)) | (Q(state_date__isnull=True) & Q(Exists(changes)))


def lessons_flagged_by_change(change: LegalActChange) -> QuerySet:
    """Live lessons that cite an act of ``change`` and were last checked before it."""
    return LessonPage.objects.live().filter(_flag_condition(change)).defer("body").order_by("path")


def courses_of_lessons(lessons) -> list[CoursePage]:
    """The live courses above the given lessons, in one query (by their ancestors' paths)."""
    step = CoursePage.steplen
    paths = {lesson.path[: step * n] for lesson in lessons for n in range(1, lesson.depth)}
    return list(CoursePage.objects.live().filter(path__in=paths).order_by("title"))


@dataclass
class LessonToReview:
    lesson: LessonPage
    review_overdue: bool
    changes: list = field(default_factory=list)


def lessons_to_review(*, today: datetime.date, courses=None) -> list[LessonToReview]:
    """Live lessons (of ``courses``, else all) whose review date has passed or which a recorded
    change flags, with the changes that flag each. Two queries."""
    lessons = LessonPage.objects.live().defer("body")
    if courses is not None:
        courses = list(courses)
        if not courses:
            return []
        lessons = lessons.filter(reduce(or_, (Q(path__startswith=c.path) for c in courses)))
    lessons = list(lessons.filter(Q(review_by__lt=today) | _flag_condition()).order_by("path"))
    if not lessons:
        return []
    changes_by_lesson: dict[int, list] = {lesson.pk: [] for lesson in lessons}
    rows = (
        LegalActChange.objects.filter(acts__citations__lesson__in=lessons)
        .values_list("acts__citations__lesson", "pk")
        .distinct()
    )
    changes = {c.pk: c for c in LegalActChange.objects.filter(pk__in={pk for _, pk in rows})}
    by_pk = {lesson.pk: lesson for lesson in lessons}
    for lesson_pk, change_pk in rows:
        lesson, change = by_pk[lesson_pk], changes[change_pk]
        if lesson.state_date is None or change.recorded_on > lesson.state_date:
            changes_by_lesson[lesson_pk].append(change)
    return [
        LessonToReview(
            lesson=lesson,
            review_overdue=bool(lesson.review_by and lesson.review_by < today),
            changes=sorted(changes_by_lesson[lesson.pk], key=lambda c: c.recorded_on),
        )
        for lesson in lessons
    ]
