"""The qualification matrix: who holds which required qualification, what is due or expiring.

Scope is the caller's job (``organisations_visible_to``); this module answers for one unit
and its sub-units in a fixed number of queries per page.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, LessonPage

from ..models import (
    Enrolment,
    ExternalQualification,
    JobProfile,
    LessonProgress,
    Membership,
    Organisation,
    User,
)

EXPIRY_WARNING_DAYS = 90

HELD = "held"
EXPIRING = "expiring"
EXPIRED = "expired"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
OVERDUE = "overdue"
NOT_REQUIRED = "not_required"

STATUS_LABELS = {
    HELD: _("held"),
    EXPIRING: _("expiring soon"),
    EXPIRED: _("expired"),
    IN_PROGRESS: _("in progress"),
    NOT_STARTED: _("not started"),
    OVERDUE: _("overdue"),
    NOT_REQUIRED: _("not required"),
}
STATUS_SYMBOLS = {
    HELD: "✓",
    EXPIRING: "⚠",
    EXPIRED: "✗",
    IN_PROGRESS: "◐",
    NOT_STARTED: "○",
    OVERDUE: "!",
    NOT_REQUIRED: "–",
}


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(enrolment: Enrolment) -> date | None:
    """When a completed enrolment's qualification lapses (None: it does not)."""
    months = enrolment.course.certificate_validity_months
    if not enrolment.completed_at or not months:
        return None
    return add_months(timezone.localdate(enrolment.completed_at), months)


@dataclass
class Cell:
    status: str
    valid_until: date | None = None
    due_date: date | None = None
    percent: int | None = None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self.status]


def cell_for(enrolment: Enrolment | None, *, required: bool, percent: int, today: date) -> Cell:
    if enrolment is None:
        return Cell(NOT_STARTED if required else NOT_REQUIRED)
    if enrolment.status == Enrolment.Status.COMPLETED:
        until = valid_until(enrolment)
        if until and until < today:
            return Cell(EXPIRED, valid_until=until)
        if until and (until - today).days <= EXPIRY_WARNING_DAYS:
            return Cell(EXPIRING, valid_until=until)
        return Cell(HELD, valid_until=until)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return Cell(NOT_STARTED if required else NOT_REQUIRED)
    if enrolment.due_date and enrolment.due_date < today:
        return Cell(OVERDUE, due_date=enrolment.due_date, percent=percent)
    if percent:
        return Cell(IN_PROGRESS, due_date=enrolment.due_date, percent=percent)
    return Cell(NOT_STARTED, due_date=enrolment.due_date, percent=0)


CELL_RANK = {HELD: 2, EXPIRING: 1}


def cell_for_external(until: date | None, *, today: date) -> Cell:
    """The cell an approved external qualification gives: held until ``valid_until``, expiring
    or expired like a certificate (no date: held indefinitely)."""
    if until and until < today:
        return Cell(EXPIRED, valid_until=until)
    if until and (until - today).days <= EXPIRY_WARNING_DAYS:
        return Cell(EXPIRING, valid_until=until)
    return Cell(HELD, valid_until=until)


def better_cell(cell: Cell, external: Cell | None) -> Cell:
    """The external qualification's cell when it ranks higher (held > expiring > the rest)."""
    if external is None or CELL_RANK.get(external.status, 0) <= CELL_RANK.get(cell.status, 0):
        return cell
    return external


def approved_external_until(user_ids, course_ids, *, today: date) -> dict:
    """Best approved external qualification per (user, course) as a cell, in one query."""
    best: dict[tuple[int, int], Cell] = {}
    if not user_ids or not course_ids:
        return best
    for user_id, course_id, until in ExternalQualification.objects.filter(
        user_id__in=list(user_ids),
        course_id__in=list(course_ids),
        status=ExternalQualification.Status.APPROVED,
    ).values_list("user_id", "course_id", "valid_until"):
        cell = cell_for_external(until, today=today)
        best[(user_id, course_id)] = better_cell(
            best.get((user_id, course_id), Cell(EXPIRED)), cell
        )
    return best


@dataclass
class MatrixRow:
    user: User
    units: list[str]
    job_profiles: list[str]
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    unit: Organisation
    columns: list[CoursePage]
    rows: list[MatrixRow]
    page: object
    status_counts: dict


def _members(unit: Organisation, job_profile: JobProfile | None):
    memberships = (
        Membership.objects.filter(organisation__path__startswith=unit.path)
        .select_related("user", "organisation")
        .prefetch_related("job_profiles")
        .order_by("user__full_name", "user_id")
    )
    if job_profile:
        memberships = memberships.filter(job_profiles=job_profile)
    people: dict[int, MatrixRow] = {}
    profiles_of: dict[int, set[int]] = defaultdict(set)
    for membership in memberships:
        row = people.setdefault(membership.user_id, MatrixRow(membership.user, [], []))
        row.units.append(membership.organisation.name)
        for profile in membership.job_profiles.all():
            if profile.name not in row.job_profiles:
                row.job_profiles.append(profile.name)
            profiles_of[membership.user_id].add(profile.pk)
    return people, profiles_of


def qualification_matrix(
    *,
    unit: Organisation,
    job_profile: JobProfile | None = None,
    status: str = "",
    sort: str = "name",
    page_number: int = 1,
    per_page: int = 50,
    today: date | None = None,
) -> Matrix:
    """Rows: people of ``unit`` and its sub-units; columns: qualifications required of them by
    their job profiles or assigned to them. Filter by job profile and cell status; sort by name."""
    today = today or timezone.localdate()
    people, profiles_of = _members(unit, job_profile)
    profile_ids = {pk for ids in profiles_of.values() for pk in ids}
    required_by_profile = defaultdict(set)
    for profile_id, course_id in JobProfile.required_courses.through.objects.filter(
        jobprofile_id__in=profile_ids
    ).values_list("jobprofile_id", "coursepage_id"):
        required_by_profile[profile_id].add(course_id)
    enrolments = list(
        Enrolment.objects.filter(user_id__in=list(people))
        .select_related("course")
        .order_by("user_id", "course_id", "cycle")
    )
    latest = {(e.user_id, e.course_id): e for e in enrolments}  # the latest cycle wins
    required = {
        user_id: {c for p in profiles_of[user_id] for c in required_by_profile[p]}
        | {
            c
            for (u, c), e in latest.items()
            if u == user_id and e.source == Enrolment.Source.ASSIGNED
        }
        for user_id in people
    }
    column_ids = set().union(*required.values()) if required else set()
    columns = list(CoursePage.objects.filter(pk__in=column_ids).order_by("title"))
    percents = _percent_complete([e for e in latest.values() if e.course_id in column_ids])
    external = approved_external_until(people, column_ids, today=today)
    for user_id, row in people.items():
        row.cells = [
            better_cell(
                cell_for(
                    latest.get((user_id, course.pk)),
                    required=course.pk in required[user_id],
                    percent=percents.get((user_id, course.pk), 0),
                    today=today,
                ),
                external.get((user_id, course.pk)),
            )
            for course in columns
        ]
    rows = list(people.values())
    status_counts = defaultdict(int)
    for row in rows:
        for cell in row.cells:
            status_counts[cell.status] += 1
    if status:
        rows = [row for row in rows if any(cell.status == status for cell in row.cells)]
    if sort == "-name":
        rows.reverse()
    page = Paginator(rows, per_page).get_page(page_number)
    return Matrix(unit, columns, list(page.object_list), page, dict(status_counts))


def _percent_complete(enrolments: list[Enrolment]) -> dict:
    """Share of required lessons done per (user, course), in two queries."""
    if not enrolments:
        return {}
    courses = {e.course_id: e.course for e in enrolments}
    lesson_paths = Q()
    for course in courses.values():
        lesson_paths |= Q(path__startswith=course.path)
    lessons = (
        LessonPage.objects.live().filter(lesson_paths, is_required=True).values_list("pk", "path")
    )
    course_of_lesson = {
        pk: next(c.pk for c in courses.values() if path.startswith(c.path)) for pk, path in lessons
    }
    total = defaultdict(int)
    for course_id in course_of_lesson.values():
        total[course_id] += 1
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
        course_total = total.get(enrolment.course_id) or 1
        result[(enrolment.user_id, enrolment.course_id)] = round(100 * row["done"] / course_total)
    return result


def people_visible_to(user: User):
    """People who are members of an organisation the HR user may see."""
    from .organisations import organisations_visible_to

    return User.objects.filter(
        memberships__organisation__in=organisations_visible_to(user)
    ).distinct()


def employee_record(person: User) -> dict:
    """Everything HR may see about one person's learning: enrolments with status and dates."""
    enrolments = list(
        Enrolment.objects.filter(user=person).select_related("course").order_by("-enrolled_at")
    )
    today = timezone.localdate()
    percents = _percent_complete(enrolments)
    rows = [
        (
            e,
            cell_for(
                e, required=True, percent=percents.get((e.user_id, e.course_id), 0), today=today
            ),
        )
        for e in enrolments
    ]
    memberships = list(
        Membership.objects.filter(user=person)
        .select_related("organisation")
        .prefetch_related("job_profiles")
    )
    externals = list(
        ExternalQualification.objects.filter(user=person)
        .select_related("course")
        .order_by("-uploaded_at")
    )
    return {
        "person": person,
        "rows": rows,
        "externals": externals,
        "memberships": memberships,
        "today": today,
        "warning_until": today + timedelta(days=EXPIRY_WARNING_DAYS),
    }


@dataclass
class UnitCompletion:
    name: str
    required: int
    held: int

    @property
    def percent(self) -> int:
        return round(100 * self.held / self.required) if self.required else 100


def hr_dashboard(unit: Organisation, *, today: date | None = None) -> dict:
    """Completion of mandatory qualifications per unit, upcoming expiries and overdue items,
    from the same cells as the matrix (so the figures always agree with it)."""
    today = today or timezone.localdate()
    matrix = qualification_matrix(unit=unit, per_page=10**6, today=today)
    by_unit: dict[str, UnitCompletion] = {}
    expiring, overdue = [], []
    for row in matrix.rows:
        for course, cell in zip(matrix.columns, row.cells, strict=True):
            if cell.status == NOT_REQUIRED:
                continue
            for unit_name in row.units:
                entry = by_unit.setdefault(unit_name, UnitCompletion(unit_name, 0, 0))
                entry.required += 1
                entry.held += cell.status in (HELD, EXPIRING)
            if cell.status == EXPIRING:
                expiring.append((row.user, course, cell.valid_until))
            elif cell.status == OVERDUE:
                overdue.append((row.user, course, cell.due_date))
    return {
        "units": sorted(by_unit.values(), key=lambda entry: entry.name),
        "expiring": sorted(expiring, key=lambda item: item[2]),
        "overdue": sorted(overdue, key=lambda item: item[2]),
        "matrix": matrix,
    }
