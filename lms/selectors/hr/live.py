"""The live computation of the matrix cells for a set of people (the reference the stored
statuses are kept equal to): the source rows — latest enrolments, required live lessons done,
approved external qualifications, the job profiles of every membership — read in a fixed number
of queries and passed through the cell rules of ``cells``."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from courses.models import CoursePage, LessonPage

from ...models import (
    Enrolment,
    ExternalQualification,
    JobProfile,
    LessonProgress,
    User,
)
from ...models.accounts import ERASED_EMAIL_DOMAIN
from .cells import EXPIRED, Cell, better_cell, cell_for, cell_for_external

# --- The live cell rules for a set of people (the reference implementation) -------------------
#
# ``qualification_cells_live`` applies ``cell_for``/``better_cell`` to the source rows (latest
# enrolment, required live lessons done, approved external qualifications, the job profiles of
# every membership) for a set of people, in a fixed number of queries. It is the one source of
# truth for the cell rules: ``lms.services.qualification_status`` stores its result in
# ``QualificationStatus`` and the matrix, its counts, filters and exports read that table.
# ``tests/lms/test_selectors_hr_matrix.py`` checks that the stored rows equal this computation.


@dataclass
class LiveCell:
    cell: Cell
    required: bool
    enrolment_id: int | None


def qualification_cells_live(
    user_ids, *, course_ids=None, today: date | None = None, erased_ids=None
) -> dict[tuple[int, int], LiveCell]:
    """The cell of every (person, course) that is required of the person (by the job profiles
    of any of their memberships, or an assigned enrolment), that they are or were enrolled in,
    or that an approved external qualification covers; ``course_ids`` narrows the courses.
    Erased people have no cells (``erased_ids``: which of ``user_ids`` are erased, when the
    caller already read their accounts; otherwise one query more). Seven queries at most,
    whatever the number of people."""
    today = today or timezone.localdate()
    user_ids = list(user_ids)
    if not user_ids or (course_ids is not None and not course_ids):
        return {}
    course_ids = None if course_ids is None else list(course_ids)
    if erased_ids is None:
        erased = User.objects.filter(pk__in=user_ids, email__endswith=ERASED_EMAIL_DOMAIN)
        erased_ids = erased.values_list("pk", flat=True)
    user_ids = sorted(set(user_ids) - set(erased_ids))
    if not user_ids:  # an erased person leaves every matrix for good, whatever they did
        return {}
    courses_of = {} if course_ids is None else {"course_id__in": course_ids}
    required_of: dict[int, set[int]] = defaultdict(set)
    links = JobProfile.required_courses.through.objects.filter(
        jobprofile__memberships__user_id__in=user_ids
    )
    if course_ids is not None:
        links = links.filter(coursepage_id__in=course_ids)
    for user_id, course_id in links.values_list(
        "jobprofile__memberships__user_id", "coursepage_id"
    ).distinct():
        required_of[user_id].add(course_id)
    latest: dict[tuple[int, int], Enrolment] = {}
    for enrolment in (
        Enrolment.objects.filter(user_id__in=user_ids, **courses_of)
        .only(
            "id",
            "user_id",
            "course_id",
            "cycle",
            "status",
            "source",
            "due_date",
            "completed_at",
            "valid_until",
        )
        .order_by("user_id", "course_id", "cycle")
    ):
        latest[(enrolment.user_id, enrolment.course_id)] = enrolment  # latest cycle wins
    external: dict[tuple[int, int], Cell] = {}
    for user_id, course_id, until in ExternalQualification.objects.filter(
        user_id__in=user_ids, status=ExternalQualification.Status.APPROVED, **courses_of
    ).values_list("user_id", "course_id", "valid_until"):
        external[(user_id, course_id)] = better_cell(
            external.get((user_id, course_id), Cell(EXPIRED)),
            cell_for_external(until, today=today),
        )
    keys = set(latest) | set(external)
    keys |= {(user_id, c) for user_id, courses in required_of.items() for c in courses}
    if not keys:
        return {}
    courses = {
        course.pk: course
        for course in CoursePage.objects.filter(pk__in={c for _u, c in keys}).only(
            "pk", "path", "certificate_validity_months"
        )
    }
    open_enrolments = []
    for enrolment in latest.values():
        enrolment.course = courses[enrolment.course_id]
        if enrolment.status == Enrolment.Status.ACTIVE:
            open_enrolments.append(enrolment)
    course_of_lesson, totals = required_lessons(
        list({e.course_id: e.course for e in open_enrolments}.values())
    )
    percents = percent_complete(open_enrolments, course_of_lesson=course_of_lesson, totals=totals)
    result = {}
    for key in keys:
        enrolment = latest.get(key)
        required = key[1] in required_of.get(key[0], ()) or (
            enrolment is not None and enrolment.source == Enrolment.Source.ASSIGNED
        )
        cell = cell_for(enrolment, required=required, percent=percents.get(key, 0), today=today)
        result[key] = LiveCell(
            better_cell(cell, external.get(key)), required, enrolment.pk if enrolment else None
        )
    return result


def required_lessons(courses) -> tuple[dict, dict]:
    """Required live lessons of ``courses``: ``{lesson_id: course_id}`` and the number per
    course, in one query."""
    if not courses:
        return {}, {}
    lesson_paths = Q()
    for course in courses:
        lesson_paths |= Q(path__startswith=course.path)
    lessons = (
        LessonPage.objects.live().filter(lesson_paths, is_required=True).values_list("pk", "path")
    )
    course_of_lesson = {
        pk: next(c.pk for c in courses if path.startswith(c.path)) for pk, path in lessons
    }
    totals = defaultdict(int)
    for course_id in course_of_lesson.values():
        totals[course_id] += 1
    return course_of_lesson, dict(totals)


def percent_complete(enrolments: list[Enrolment], *, course_of_lesson=None, totals=None) -> dict:
    """Share of required lessons done per (user, course): one query (two without the lesson
    map of ``required_lessons``)."""
    if not enrolments:
        return {}
    if course_of_lesson is None:
        course_of_lesson, totals = required_lessons(
            list({e.course_id: e.course for e in enrolments}.values())
        )
    if not course_of_lesson:
        return {}
    done = (
        LessonProgress.objects.filter(
            enrolment__in=[e.pk for e in enrolments],
            completed_at__isnull=False,
            lesson_id__in=list(course_of_lesson),
        )
        .values("enrolment_id")
        .annotate(done=Count("pk"))
    )
    by_enrolment = {e.pk: e for e in enrolments}
    result = {}
    for row in done:
        enrolment = by_enrolment[row["enrolment_id"]]
        course_total = totals.get(enrolment.course_id) or 1
        result[(enrolment.user_id, enrolment.course_id)] = round(100 * row["done"] / course_total)
    return result
