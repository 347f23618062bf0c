"""Who in a unit holds a qualification on content that has since changed.

When the competence centre records a change of a legal source (new EU thresholds, a reform of
the GWB), the lessons citing it are flagged to their trainers (``courses.legal_currency``).
People who completed such a course *before* the change was recorded learned the earlier law:
HR sees them per change, with whether the change's short update course is assigned to them or
done, and can assign it (``lms.views.legal_updates``).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from courses.models import CoursePage, LegalActChange, LessonLegalSource

from ..models import Enrolment, Organisation


@dataclass
class HolderOnOldContent:
    enrolment: Enrolment
    update_state: str = ""  # "", "assigned" or "done"

    @property
    def person(self):
        return self.enrolment.user


@dataclass
class ChangeImpact:
    change: LegalActChange
    courses: list[CoursePage] = field(default_factory=list)
    holders: list[HolderOnOldContent] = field(default_factory=list)

    @property
    def without_update(self) -> list[HolderOnOldContent]:
        return [holder for holder in self.holders if not holder.update_state]


def _courses_citing(changes) -> dict[int, list[CoursePage]]:
    """Per change, the live courses with a live lesson citing one of its acts (two queries)."""
    courses = {course.path: course for course in CoursePage.objects.live().only("title", "path")}
    step = CoursePage.steplen
    citing: dict[int, dict[int, CoursePage]] = {change.pk: {} for change in changes}
    rows = (
        LessonLegalSource.objects.filter(act__changes__in=changes, lesson__live=True)
        .values_list("act__changes", "lesson__path")
        .distinct()
    )
    for change_id, lesson_path in rows:
        for end in range(step, len(lesson_path) + 1, step):
            course = courses.get(lesson_path[:end])
            if course is not None:
                citing[change_id][course.pk] = course
                break
    return {pk: sorted(found.values(), key=lambda c: c.title) for pk, found in citing.items()}


def changes_with_holders(*, unit: Organisation, today: datetime.date) -> list[ChangeImpact]:
    """Every recorded change that touches a course someone of ``unit`` (and its sub-units)
    holds a valid qualification in, completed before the change was recorded. Four queries,
    however many changes, courses and people."""
    changes = list(LegalActChange.objects.select_related("update_course").order_by("-recorded_on"))
    if not changes:
        return []
    courses_of = _courses_citing(changes)
    course_ids = {course.pk for found in courses_of.values() for course in found}
    update_ids = {change.update_course_id for change in changes if change.update_course_id}
    enrolments = list(
        Enrolment.objects.filter(
            course_id__in=course_ids | update_ids,
            user__memberships__organisation__path__startswith=unit.path,
            user__is_active=True,
        )
        # Lapsed qualifications need a full course anyway (the matrix says so), not an update.
        .filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today) | Q(course_id__in=update_ids)
        )
        .select_related("user", "course")
        .only(
            "status",
            "completed_at",
            "enrolled_at",
            "valid_until",
            "course__title",
            "user__full_name",
            "user__email",
        )
        .distinct()
        .order_by("user_id", "course_id")
    )
    latest: dict[tuple[int, int], Enrolment] = {}  # the newest completion per person and course
    of_update: dict[tuple[int, int], list[Enrolment]] = {}
    for enrolment in enrolments:
        if enrolment.course_id in update_ids:
            of_update.setdefault((enrolment.user_id, enrolment.course_id), []).append(enrolment)
        if enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at:
            key = (enrolment.user_id, enrolment.course_id)
            if key not in latest or enrolment.completed_at > latest[key].completed_at:
                latest[key] = enrolment
    impacts = []
    for change in changes:
        own_courses = {course.pk for course in courses_of[change.pk]}
        holders = [
            HolderOnOldContent(
                enrolment,
                _update_state(of_update.get((user_id, change.update_course_id), []), change),
            )
            for (user_id, course_id), enrolment in latest.items()
            if course_id in own_courses
            and course_id != change.update_course_id
            and enrolment.completed_at.date() < change.recorded_on
        ]
        if holders:
            holders.sort(key=lambda h: (h.person.full_name.casefold(), h.enrolment.course.title))
            impacts.append(ChangeImpact(change, courses_of[change.pk], holders))
    return impacts


def _update_state(update_enrolments, change: LegalActChange) -> str:
    """ "done" when the person completed the update course since the change, "assigned" while
    an enrolment in it is open, else ""."""
    state = ""
    for enrolment in update_enrolments:
        if enrolment.status == Enrolment.Status.ACTIVE:
            state = state or "assigned"
        elif (
            enrolment.status == Enrolment.Status.COMPLETED
            and enrolment.completed_at.date() >= change.recorded_on
        ):
            return "done"
    return state
