# The SQL below interpolates only table names and status constants from the code; every value
# (paths, ids, dates, the filter) is a query parameter.
# ruff: noqa: S608, S611
"""The qualification matrix: who holds which required qualification, what is due or expiring.

Scope is the caller's job (``organisations_visible_to``); this module answers for one unit
and its sub-units in a fixed number of queries per page.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
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
    query: "MatrixQuery | None" = None


class _Counted:
    """What ``Paginator`` needs of the full row list: only its length (the total comes from the
    window count of the page query; the rows of the page are passed to ``Page`` directly)."""

    def __init__(self, total: int):
        self.total = total

    def __len__(self) -> int:
        return self.total


# --- The matrix in SQL ------------------------------------------------------------------------
#
# Why SQL expressions and not a denormalised status table: a cell's status follows from the
# latest enrolment, the required live lessons done, approved external qualifications, the job
# profiles of the person's memberships *in the chosen unit* and today's date. A stored status
# would have to be refreshed by every service that touches one of these (and by Wagtail
# publishing lessons, editing a course's validity or a job profile's required courses in the
# admin) plus nightly for the dates. The expressions below compute the same statuses as
# ``cell_for``/``better_cell`` from the source rows, with date thresholds worked out per course
# in Python, so they are never stale and run unchanged on SQLite and PostgreSQL.
# ``tests/lms/test_selectors_hr_matrix.py`` checks that SQL and Python agree cell by cell.
# The price: counts and status filters compute every cell of the unit. At 40,000 people
# (bench/hr_matrix.py) that takes seconds, far above the 300 ms target; a stored status row per
# (person, course) is the next step (README, Benchmarks → HR matrix).


def _completion_cutoff(months: int, boundary: date, *, strictly_after: bool) -> date:
    """The first completion day ``d`` with ``add_months(d, months) >= boundary`` (or ``>`` when
    ``strictly_after``). ``add_months`` is monotonic and clamps at most three days."""
    day = add_months(boundary, -months) - timedelta(days=4)
    while True:
        end = add_months(day, months)
        if end > boundary or (end == boundary and not strictly_after):
            return day
        day += timedelta(days=1)


def _start_of_day(day: date):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


@dataclass
class MatrixQuery:
    """One matrix request turned into SQL: scope, filters, columns and per-course thresholds."""

    unit: Organisation
    job_profile: JobProfile | None
    status: str
    sort: str
    today: date
    columns: list = field(default_factory=list)
    course_of_lesson: dict = field(default_factory=dict)
    lesson_totals: dict = field(default_factory=dict)

    # -- building blocks -------------------------------------------------------------------

    def _scope(self) -> tuple[list[str], list]:
        membership = Membership._meta.db_table
        organisation = Organisation._meta.db_table
        member_profiles = Membership.job_profiles.through._meta.db_table
        sql = (
            f"scope_members AS (SELECT m.id AS membership_id, m.user_id FROM {membership} m"
            f" INNER JOIN {organisation} o ON o.id = m.organisation_id WHERE o.path LIKE %s"
        )
        params: list = [self.unit.path + "%"]
        if self.job_profile is not None:
            sql += (
                f" AND EXISTS (SELECT 1 FROM {member_profiles} mp"
                " WHERE mp.membership_id = m.id AND mp.jobprofile_id = %s)"
            )
            params.append(self.job_profile.pk)
        sql += ")"
        return [sql, "people AS (SELECT DISTINCT user_id FROM scope_members)"], params

    @staticmethod
    def _required_and_latest() -> list[str]:
        member_profiles = Membership.job_profiles.through._meta.db_table
        required_courses = JobProfile.required_courses.through._meta.db_table
        enrolment = Enrolment._meta.db_table
        return [
            "required AS (SELECT DISTINCT sm.user_id, rc.coursepage_id AS course_id"
            f" FROM scope_members sm INNER JOIN {member_profiles} mp"
            " ON mp.membership_id = sm.membership_id"
            f" INNER JOIN {required_courses} rc ON rc.jobprofile_id = mp.jobprofile_id)",
            "latest AS (SELECT e.id, e.user_id, e.course_id, e.status, e.source, e.due_date,"
            f" e.completed_at FROM {enrolment} e WHERE e.user_id IN (SELECT user_id FROM people)"
            f" AND NOT EXISTS (SELECT 1 FROM {enrolment} later WHERE later.user_id = e.user_id"
            " AND later.course_id = e.course_id AND later.cycle > e.cycle))",
        ]

    def columns_sql(self) -> tuple[str, list]:
        """Course ids required of the people in scope (job profiles or latest enrolment
        assigned)."""
        ctes, params = self._scope()
        ctes += self._required_and_latest()
        sql = (
            "WITH " + ", ".join(ctes) + " SELECT course_id FROM required UNION"
            f" SELECT course_id FROM latest WHERE source = '{Enrolment.Source.ASSIGNED.value}'"
        )
        return sql, params

    def _in_columns(self, column: str) -> tuple[str, list]:
        ids = [course.pk for course in self.columns]
        return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids

    def _cells(self) -> tuple[list[str], list]:
        """CTEs up to ``cells(user_id, course_id, status)``: one row per (person, column) that
        has an enrolment, a requirement or an approved external qualification; every other
        cell is "not required"."""
        ops = connection.ops
        ctes, params = self._scope()
        ctes += self._required_and_latest()
        external = ExternalQualification._meta.db_table
        progress = LessonProgress._meta.db_table
        today = self.today
        in_cols_x, cols_x = self._in_columns("x.course_id")
        ctes.append(
            "ext AS (SELECT x.user_id, x.course_id, MAX(CASE WHEN x.valid_until IS NULL"
            " OR x.valid_until > %s THEN 2 WHEN x.valid_until >= %s THEN 1 ELSE 0 END) AS rank"
            f" FROM {external} x WHERE x.status = '{ExternalQualification.Status.APPROVED.value}'"
            f" AND x.user_id IN (SELECT user_id FROM people) AND {in_cols_x}"
            " GROUP BY x.user_id, x.course_id)"
        )
        params += [
            ops.adapt_datefield_value(today + timedelta(days=EXPIRY_WARNING_DAYS)),
            ops.adapt_datefield_value(today),
            *cols_x,
        ]
        in_cols_r, cols_r = self._in_columns("course_id")
        in_cols_l, cols_l = self._in_columns("course_id")
        ctes.append(
            f"cell_keys AS (SELECT user_id, course_id FROM required WHERE {in_cols_r}"
            f" UNION SELECT user_id, course_id FROM latest WHERE {in_cols_l}"
            " UNION SELECT user_id, course_id FROM ext)"
        )
        params += cols_r + cols_l
        # Completed: expired / expiring by per-course completion-time thresholds.
        validity, validity_params = [], []
        for course in self.columns:
            months = course.certificate_validity_months
            if not months:
                continue
            expired_before = _completion_cutoff(months, today, strictly_after=False)
            expiring_before = _completion_cutoff(
                months, today + timedelta(days=EXPIRY_WARNING_DAYS), strictly_after=True
            )
            validity.append(
                f"WHEN e.course_id = %s AND e.completed_at < %s THEN '{EXPIRED}'"
                f" WHEN e.course_id = %s AND e.completed_at < %s THEN '{EXPIRING}'"
            )
            validity_params += [
                course.pk,
                ops.adapt_datetimefield_value(_start_of_day(expired_before)),
                course.pk,
                ops.adapt_datetimefield_value(_start_of_day(expiring_before)),
            ]
        completed_case = f"CASE {' '.join(validity)} ELSE '{HELD}' END" if validity else f"'{HELD}'"
        # In progress: round(100 * done / total) > 0, i.e. 200 * done > total.
        lesson_ids = list(self.course_of_lesson)
        totals = " ".join("WHEN %s THEN %s" for _ in self.columns)
        totals_params = [
            value for c in self.columns for value in (c.pk, self.lesson_totals.get(c.pk) or 1)
        ]
        if lesson_ids:
            # Required live lessons done per open enrolment, aggregated once (a correlated
            # count per enrolment costs an index probe per cell).
            ctes.append(
                f"done AS (SELECT lp.enrolment_id, COUNT(*) AS n FROM {progress} lp"
                " WHERE lp.completed_at IS NOT NULL"
                f" AND lp.lesson_id IN ({', '.join(['%s'] * len(lesson_ids))})"
                f" AND lp.enrolment_id IN (SELECT id FROM latest WHERE status NOT IN"
                f" ('{Enrolment.Status.COMPLETED.value}', '{Enrolment.Status.WITHDRAWN.value}'))"
                " GROUP BY lp.enrolment_id)"
            )
            params += lesson_ids
            progress_when = (
                "WHEN 200 * COALESCE(d.n, 0) > (CASE e.course_id"
                f" {totals} ELSE 1 END) THEN '{IN_PROGRESS}'"
            )
            progress_join = " LEFT JOIN done d ON d.enrolment_id = e.id"
            progress_params = totals_params
        else:
            progress_when, progress_join, progress_params = "", "", []
        completed = Enrolment.Status.COMPLETED.value
        withdrawn = Enrolment.Status.WITHDRAWN.value
        assigned = Enrolment.Source.ASSIGNED.value
        ctes.append(
            "cell_base AS (SELECT k.user_id, k.course_id, COALESCE(ext.rank, -1) AS ext_rank,"
            f" CASE WHEN e.id IS NULL THEN (CASE WHEN r.user_id IS NULL THEN '{NOT_REQUIRED}'"
            f" ELSE '{NOT_STARTED}' END)"
            f" WHEN e.status = '{completed}' THEN {completed_case}"
            f" WHEN e.status = '{withdrawn}' THEN (CASE WHEN r.user_id IS NULL"
            f" AND e.source <> '{assigned}' THEN '{NOT_REQUIRED}' ELSE '{NOT_STARTED}' END)"
            f" WHEN e.due_date < %s THEN '{OVERDUE}' {progress_when}"
            f" ELSE '{NOT_STARTED}' END AS base"
            " FROM cell_keys k"
            " LEFT JOIN latest e ON e.user_id = k.user_id AND e.course_id = k.course_id"
            " LEFT JOIN required r ON r.user_id = k.user_id AND r.course_id = k.course_id"
            " LEFT JOIN ext ON ext.user_id = k.user_id AND ext.course_id = k.course_id"
            f"{progress_join})"
        )
        params += validity_params + [ops.adapt_datefield_value(today)] + progress_params
        ctes.append(
            "cells AS (SELECT user_id, course_id, CASE"
            f" WHEN ext_rank = 2 OR base = '{HELD}' THEN '{HELD}'"
            f" WHEN ext_rank = 1 THEN '{EXPIRING}' ELSE base END AS status FROM cell_base)"
        )
        return ctes, params

    # -- queries -----------------------------------------------------------------------------

    def counts_sql(self) -> tuple[str, list]:
        """Cells per status over everyone in scope, and the number of people, in one query."""
        ctes, params = self._cells()
        sql = (
            "WITH " + ", ".join(ctes) + " SELECT status, COUNT(*) FROM cells GROUP BY status"
            " UNION ALL SELECT '#people', COUNT(*) FROM people"
        )
        return sql, params

    def people_sql(self) -> tuple[str, list]:
        """Ordered ids of the people in scope that have a cell of the filtered status, with
        the total as a window count (callers add LIMIT/OFFSET)."""
        if self.status and self.columns:
            ctes, params = self._cells()
        else:
            ctes, params = self._scope()
        user_table = User._meta.db_table
        where = "u.id IN (SELECT user_id FROM people)"
        if self.status == NOT_REQUIRED:
            where += (
                " AND u.id NOT IN (SELECT user_id FROM cells WHERE status <> %s"
                " GROUP BY user_id HAVING COUNT(*) >= %s)"
            )
            params += [NOT_REQUIRED, len(self.columns)]
        elif self.status:
            where += " AND u.id IN (SELECT user_id FROM cells WHERE status = %s)"
            params.append(self.status)
        direction = "DESC" if self.sort == "-name" else "ASC"
        sql = (
            "WITH " + ", ".join(ctes) + f" SELECT u.id, COUNT(*) OVER () FROM {user_table} u"
            f" WHERE {where} ORDER BY u.full_name {direction}, u.id {direction}"
        )
        return sql, params

    # -- rows ----------------------------------------------------------------------------------

    def rows_for(self, user_ids: list[int]) -> list[MatrixRow]:
        """The matrix rows of these people (in this order), in six queries whatever their
        number: memberships with units and job profiles, required courses, enrolments, lesson
        progress and approved external qualifications."""
        if not user_ids:
            return []
        memberships = (
            Membership.objects.filter(
                user_id__in=user_ids, organisation__path__startswith=self.unit.path
            )
            .select_related("user", "organisation")
            .prefetch_related("job_profiles")
            .order_by("organisation__path", "pk")
        )
        if self.job_profile:
            memberships = memberships.filter(job_profiles=self.job_profile)
        people: dict[int, MatrixRow] = {}
        profiles_of: dict[int, set[int]] = defaultdict(set)
        for membership in memberships:
            row = people.setdefault(membership.user_id, MatrixRow(membership.user, [], []))
            row.units.append(membership.organisation.name)
            for profile in membership.job_profiles.all():
                if profile.name not in row.job_profiles:
                    row.job_profiles.append(profile.name)
                profiles_of[membership.user_id].add(profile.pk)
        column_ids = [course.pk for course in self.columns]
        required_by_profile = defaultdict(set)
        profile_ids = {pk for ids in profiles_of.values() for pk in ids}
        if profile_ids and column_ids:
            for profile_id, course_id in JobProfile.required_courses.through.objects.filter(
                jobprofile_id__in=profile_ids, coursepage_id__in=column_ids
            ).values_list("jobprofile_id", "coursepage_id"):
                required_by_profile[profile_id].add(course_id)
        latest = {}
        if column_ids:
            for enrolment in Enrolment.objects.filter(
                user_id__in=list(people), course_id__in=column_ids
            ).order_by("user_id", "course_id", "cycle"):
                latest[(enrolment.user_id, enrolment.course_id)] = enrolment  # latest cycle wins
        courses = {course.pk: course for course in self.columns}
        for enrolment in latest.values():
            enrolment.course = courses[enrolment.course_id]
        percents = _percent_complete(
            list(latest.values()),
            course_of_lesson=self.course_of_lesson,
            totals=self.lesson_totals,
        )
        external = approved_external_until(people, column_ids, today=self.today)
        for user_id, row in people.items():
            required = {c for p in profiles_of[user_id] for c in required_by_profile[p]}
            cells = []
            for course in self.columns:
                enrolment = latest.get((user_id, course.pk))
                is_required = course.pk in required or (
                    enrolment is not None and enrolment.source == Enrolment.Source.ASSIGNED
                )
                cells.append(
                    better_cell(
                        cell_for(
                            enrolment,
                            required=is_required,
                            percent=percents.get((user_id, course.pk), 0),
                            today=self.today,
                        ),
                        external.get((user_id, course.pk)),
                    )
                )
            row.cells = cells
        return [people[user_id] for user_id in user_ids if user_id in people]


def _matrix_query(*, unit, job_profile, status, sort, today) -> MatrixQuery:
    """Columns (one query) and the required live lessons of each column (one query)."""
    query = MatrixQuery(unit, job_profile, status, sort, today)
    columns_sql, params = query.columns_sql()
    query.columns = list(
        CoursePage.objects.filter(pk__in=RawSQL(columns_sql, params)).order_by("title", "pk")
    )
    query.course_of_lesson, query.lesson_totals = _required_lessons(query.columns)
    return query


def qualification_matrix(
    *,
    unit: Organisation,
    job_profile: JobProfile | None = None,
    status: str = "",
    sort: str = "name",
    page_number: int = 1,
    per_page: int = 50,
    today: date | None = None,
    for_export: bool = False,
) -> Matrix:
    """Rows: people of ``unit`` and its sub-units; columns: qualifications required of them by
    their job profiles or assigned to them. Filter by job profile and cell status; sort by name.
    ``for_export`` skips the status counts and the page's rows: exports read every row through
    ``matrix_rows`` and need only the columns and the total.

    The page of people is chosen in SQL (filter, order, LIMIT/OFFSET, total as a window count)
    and only that page's enrolments and progress are loaded; the status counts are one
    aggregate query. Ten queries whatever the unit's size."""
    today = today or timezone.localdate()
    query = _matrix_query(unit=unit, job_profile=job_profile, status=status, sort=sort, today=today)
    status_counts = {} if for_export else _status_counts(query)
    try:
        number = max(1, int(page_number))
    except (TypeError, ValueError):
        number = 1
    ids, total = _people_page(query, offset=(number - 1) * per_page, limit=per_page)
    if not ids and number > 1:  # past the end: the last page, like Paginator.get_page()
        _first, total = _people_page(query, offset=0, limit=1)
        number = max(1, -(-total // per_page))
        ids, total = _people_page(query, offset=(number - 1) * per_page, limit=per_page)
    paginator = Paginator(_Counted(total), per_page)
    rows = [] if for_export else query.rows_for(ids)
    page = Page(rows, min(number, paginator.num_pages), paginator)
    return Matrix(unit, query.columns, rows, page, status_counts, query)


def _people_page(query: MatrixQuery, *, offset: int, limit: int) -> tuple[list[int], int]:
    sql, params = query.people_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT %s OFFSET %s", [*params, limit, offset])
        result = cursor.fetchall()
    return [row[0] for row in result], (result[0][1] if result else 0)


def _status_counts(query: MatrixQuery) -> dict:
    if not query.columns:
        return {}
    sql, params = query.counts_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    people = counts.pop("#people", 0)
    counted = sum(n for key, n in counts.items() if key != NOT_REQUIRED)
    not_required = people * len(query.columns) - counted
    counts.pop(NOT_REQUIRED, None)
    if not_required:
        counts[NOT_REQUIRED] = not_required
    return {key: n for key, n in counts.items() if n}


def matrix_rows(matrix: Matrix, *, chunk_size: int = 500):
    """Every row of the matrix as filtered (not just the page), for exports and the dashboard:
    the ordered ids come from a server-side cursor on PostgreSQL and the rows are built
    ``chunk_size`` people at a time, so memory stays flat for any number of people."""
    query = matrix.query
    sql, params = query.people_sql()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(chunk_size)
            if not chunk:
                break
            yield from query.rows_for([row[0] for row in chunk])


def _required_lessons(courses) -> tuple[dict, dict]:
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


def _percent_complete(enrolments: list[Enrolment], *, course_of_lesson=None, totals=None) -> dict:
    """Share of required lessons done per (user, course): one query (two without the lesson
    map of ``_required_lessons``)."""
    if not enrolments:
        return {}
    if course_of_lesson is None:
        course_of_lesson, totals = _required_lessons(
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
    matrix = qualification_matrix(unit=unit, per_page=1, today=today, for_export=True)
    by_unit: dict[str, UnitCompletion] = {}
    expiring, overdue = [], []
    for row in matrix_rows(matrix):
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
