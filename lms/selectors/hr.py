# The SQL below interpolates only table names and status constants from the code; every value
# (paths, ids, dates, the filter) is a query parameter.
# ruff: noqa: S608, S611
"""The qualification matrix: who holds which required qualification, what is due or expiring.

Scope is the caller's job (``organisations_visible_to``); this module answers for one unit
and its sub-units in a fixed number of queries per page, reading the stored statuses
(``QualificationStatus``) that ``lms.services.qualification_status`` keeps current from the live
cell rules defined here (``cell_for``, ``qualification_cells_live``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage, LessonPage

from ..dates import add_months
from ..models import (
    Enrolment,
    ExamTimeExtension,
    ExternalQualification,
    JobProfile,
    LessonProgress,
    Membership,
    Organisation,
    QualificationStatus,
    UnitMember,
    UnitStatusCount,
    User,
)
from ..names import name_fold

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


def valid_until(enrolment: Enrolment) -> date | None:
    """When a completed enrolment's qualification lapses (None: it does not): the date fixed
    at completion (``lms.dates``), the same the certificate prints."""
    return enrolment.valid_until if enrolment.completed_at else None


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


@dataclass(frozen=True, slots=True)
class Person:
    """Whom a matrix row is about, as the matrix, exports and the digest show them (not a model
    instance: an export builds 40,000 of these)."""

    pk: int
    full_name: str
    email: str

    def __str__(self) -> str:
        return self.full_name


@dataclass
class MatrixRow:
    user: Person
    units: list[str]
    job_profiles: list[str]
    cells: list[Cell] = field(default_factory=list)
    cells_html: str = ""  # set by the matrix view


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
    user_ids, *, course_ids=None, today: date | None = None
) -> dict[tuple[int, int], LiveCell]:
    """The cell of every (person, course) that is required of the person (by the job profiles
    of any of their memberships, or an assigned enrolment), that they are or were enrolled in,
    or that an approved external qualification covers; ``course_ids`` narrows the courses.
    Seven queries at most, whatever the number of people."""
    today = today or timezone.localdate()
    user_ids = list(user_ids)
    if not user_ids or (course_ids is not None and not course_ids):
        return {}
    course_ids = None if course_ids is None else list(course_ids)
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
    course_of_lesson, totals = _required_lessons(
        list({e.course_id: e.course for e in open_enrolments}.values())
    )
    percents = _percent_complete(open_enrolments, course_of_lesson=course_of_lesson, totals=totals)
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


# --- The matrix, read from the stored statuses ------------------------------------------------
#
# Who the rows are comes from ``UnitMember`` (the unit's people, with their names as the sort
# key), the columns and status counts from ``UnitStatusCount`` (summed per unit), the cells and
# status filters from ``QualificationStatus`` (one row per relevant (person, course), covered
# by an index on (status, course, user, required)): no cell is computed per request, and no
# query reads every cell of a large unit. ``lms.services.qualification_status`` keeps all three.
# A stored status is "required" when any job profile of the person requires the course (or it
# was assigned), wherever the membership is; the unit only decides who the rows are.


@dataclass
class MatrixQuery:
    """One matrix request turned into SQL over the stored statuses: scope, filter, columns."""

    unit: Organisation
    job_profile: JobProfile | None
    status: str
    sort: str
    search: str = ""
    columns: list = field(default_factory=list)

    def _unit_where(self) -> tuple[str, list]:
        """The unit's rows of ``UnitMember`` (``um``), with the job profile when one is chosen."""
        if self.job_profile is None:
            return "um.organisation_id = %s AND um.job_profile_id IS NULL", [self.unit.pk]
        return "um.organisation_id = %s AND um.job_profile_id = %s", [
            self.unit.pk,
            self.job_profile.pk,
        ]

    def scope_sql(self) -> tuple[str, list]:
        """User ids of the people the unit's matrix lists (each once)."""
        where, params = self._unit_where()
        return f"SELECT um.user_id FROM {UnitMember._meta.db_table} um WHERE {where}", params

    def _in_columns(self, column: str) -> tuple[str, list]:
        ids = [course.pk for course in self.columns]
        return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids

    def _people_where(self) -> tuple[str, list]:
        """Who is on the matrix: the unit's people (``um``) with a cell of the filtered status."""
        table = QualificationStatus._meta.db_table
        where, params = self._unit_where()
        for word in name_fold(self.search).split():  # every word must occur in the name
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where += " AND um.sort_key LIKE %s ESCAPE '\\'"
            params = [*params, f"%{escaped}%"]
        if self.status and not self.columns:
            where += " AND 1 = 0"  # without columns there are no cells to match
        elif self.status == NOT_REQUIRED:
            in_cols, cols = self._in_columns("qs.course_id")
            where += (
                f" AND um.user_id NOT IN (SELECT qs.user_id FROM {table} qs WHERE qs.status <> %s"
                f" AND {in_cols} GROUP BY qs.user_id HAVING COUNT(*) >= %s)"
            )
            params += [NOT_REQUIRED, *cols, len(self.columns)]
        elif self.status:
            in_cols, cols = self._in_columns("qs.course_id")
            where += (
                f" AND EXISTS (SELECT 1 FROM {table} qs WHERE qs.user_id = um.user_id"
                f" AND qs.status = %s AND {in_cols})"
            )
            params += [self.status, *cols]
        return where, params

    def people_sql(self) -> tuple[str, list]:
        """Ordered ids of the people on the matrix (callers add LIMIT/OFFSET): the database
        walks the unit's range of the (unit, job profile, name, person) index and stops after
        the page."""
        where, params = self._people_where()
        direction = "DESC" if self.sort == "-name" else "ASC"
        sql = (
            f"SELECT um.user_id FROM {UnitMember._meta.db_table} um"
            f" WHERE {where} ORDER BY um.sort_key {direction}, um.user_id {direction}"
        )
        return sql, params

    def total_sql(self) -> tuple[str, list]:
        """How many people a status filter keeps."""
        where, params = self._people_where()
        return f"SELECT COUNT(*) FROM {UnitMember._meta.db_table} um WHERE {where}", params

    def rows_for(self, user_ids: list[int]) -> list[MatrixRow]:
        """The matrix rows of these people (in this order), in two queries whatever their
        number: memberships with units and job profiles, and the stored cells."""
        if not user_ids:
            return []
        # Plain values, not model instances: exports build 40,000 rows this way. One row per
        # (membership, job profile); memberships without a profile come once with None.
        memberships = Membership.objects.filter(
            user_id__in=user_ids, organisation__path__startswith=self.unit.path
        )
        if self.job_profile:
            memberships = memberships.filter(
                pk__in=Membership.objects.filter(job_profiles=self.job_profile).values("pk")
            )
        people: dict[int, MatrixRow] = {}
        last_membership = None
        for membership_id, user_id, name, email, unit_name, profile_name in memberships.order_by(
            "organisation__path", "pk", "job_profiles__name"
        ).values_list(
            "pk",
            "user_id",
            "user__full_name",
            "user__email",
            "organisation__name",
            "job_profiles__name",
        ):
            row = people.get(user_id)
            if row is None:
                row = people[user_id] = MatrixRow(Person(user_id, name, email), [], [])
            if membership_id != last_membership:
                row.units.append(unit_name)
                last_membership = membership_id
            if profile_name is not None and profile_name not in row.job_profiles:
                row.job_profiles.append(profile_name)
        column_ids = [course.pk for course in self.columns]
        stored = {}
        if column_ids:
            for (
                user_id,
                course_id,
                status,
                until,
                due,
                percent,
            ) in QualificationStatus.objects.filter(
                user_id__in=list(people), course_id__in=column_ids
            ).values_list("user_id", "course_id", "status", "valid_until", "due_date", "percent"):
                stored[(user_id, course_id)] = Cell(status, until, due, percent)
        not_required = Cell(NOT_REQUIRED)
        for user_id, row in people.items():
            row.cells = [stored.get((user_id, course_id), not_required) for course_id in column_ids]
        return [people[user_id] for user_id in user_ids if user_id in people]


def _matrix_query(
    *, unit, job_profile, status, sort, search=""
) -> tuple[MatrixQuery, dict, int | None]:
    """The query with its columns, the status counts over those columns and the number of
    people in scope, from the unit's counts (``UnitStatusCount``: a few hundred rows whatever
    the number of people; the total when no status filter applies)."""
    query = MatrixQuery(unit, job_profile, status, sort, search)
    aggregate = list(
        UnitStatusCount.objects.filter(organisation=unit, job_profile=job_profile)
        .values_list("course_id", "status", "required")
        .annotate(n=Sum("change"))
        .order_by()
    )
    people = next((n for course_id, key, _r, n in aggregate if course_id is None), 0) or 0
    column_ids = {
        course_id for course_id, key, required, n in aggregate if course_id and required and n
    }
    query.columns = list(CoursePage.objects.filter(pk__in=column_ids).order_by("title", "pk"))
    counts: dict[str, int] = defaultdict(int)
    for course_id, key, _required, n in aggregate:
        if course_id in column_ids and key != NOT_REQUIRED:
            counts[key] += n
    not_required = people * len(column_ids) - sum(counts.values())
    if not_required:
        counts[NOT_REQUIRED] = not_required
    return query, {key: n for key, n in counts.items() if n}, people


def qualification_matrix(
    *,
    unit: Organisation,
    job_profile: JobProfile | None = None,
    status: str = "",
    sort: str = "name",
    search: str = "",
    page_number: int = 1,
    per_page: int = 50,
    for_export: bool = False,
) -> Matrix:
    """Rows: people of ``unit`` and its sub-units; columns: qualifications required of them by
    their job profiles or assigned to them. Filter by job profile and cell status; sort by name.
    ``for_export`` skips the page's rows: exports read every row through ``matrix_rows`` and
    need only the columns and the total.

    Nothing is computed per person: the unit's counts (``UnitStatusCount``, a few hundred rows)
    give the columns, the status counts and the number of people (a status filter counts its
    people in one more query); the page of people is a range of the unit's ``UnitMember``
    index with LIMIT/OFFSET; then the page's memberships and stored cells. Five or six queries
    whatever the unit's size."""
    query, status_counts, people = _matrix_query(
        unit=unit, job_profile=job_profile, status=status, sort=sort, search=search
    )
    try:
        number = max(1, int(page_number))
    except (TypeError, ValueError):
        number = 1
    if status or search.strip():
        sql, params = query.total_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            total = cursor.fetchone()[0]
    else:
        total = people
    number = min(number, max(1, -(-total // per_page)))  # past the end: the last page
    sql, params = query.people_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT %s OFFSET %s", [*params, per_page, (number - 1) * per_page])
        ids = [row[0] for row in cursor.fetchall()]
    paginator = Paginator(_Counted(total), per_page)
    rows = [] if for_export else query.rows_for(ids)
    page = Page(rows, min(number, paginator.num_pages), paginator)
    return Matrix(unit, query.columns, rows, page, status_counts, query)


def matrix_rows(matrix: Matrix, *, chunk_size: int = 2000):
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
    extension = ExamTimeExtension.objects.filter(user=person, course__isnull=True).first()
    return {
        "person": person,
        "rows": rows,
        "externals": externals,
        "time_extension": extension.extra_percent if extension else 0,
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


@dataclass
class MonthCount:
    month: date
    count: int


@dataclass
class DueItem:
    """One overdue or expiring cell as the dashboard and the HR digest list it."""

    user: Person
    course: CoursePage
    date: date


DASHBOARD_LIST_LIMIT = 20
EXPIRY_CHART_MONTHS = 12


def hr_dashboard(unit: Organisation, *, list_limit: int | None = None) -> dict:
    """The key figures of a unit from the same stored cells as the matrix (so they always agree
    with it): completion of mandatory qualifications per unit, qualifications lapsing per month
    over the next year, the overdue and expiring totals, and the ``list_limit`` most urgent
    items of each (the matrix filters list all of them).

    Aggregates in the database, in seven queries whatever the unit's size: a city of 40,000
    people is one page, not 40,000 rows."""
    today = timezone.localdate()
    list_limit = list_limit or DASHBOARD_LIST_LIMIT
    query, counts, _people = _matrix_query(unit=unit, job_profile=None, status="", sort="name")
    column_ids = [course.pk for course in query.columns]
    courses = {course.pk: course for course in query.columns}
    scope, scope_params = query.scope_sql()
    in_scope = Q(user_id__in=RawSQL(scope, scope_params))
    cells = QualificationStatus.objects.filter(in_scope, course_id__in=column_ids)

    def most_urgent(status: str, date_field: str) -> list[DueItem]:
        rows = (
            cells.filter(status=status)
            .order_by(date_field, "user__full_name", "user_id", "course_id")
            .values_list("user_id", "user__full_name", "user__email", "course_id", date_field)
        )
        return [
            DueItem(Person(user_id, name, email), courses[course_id], day)
            for user_id, name, email, course_id, day in rows[:list_limit]
        ]

    horizon = add_months(today.replace(day=1), EXPIRY_CHART_MONTHS)
    lapsing = dict(
        cells.filter(status__in=[HELD, EXPIRING], valid_until__gte=today, valid_until__lt=horizon)
        .annotate(month=TruncMonth("valid_until"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    months = [add_months(today.replace(day=1), offset) for offset in range(EXPIRY_CHART_MONTHS)]
    expiry_months = [MonthCount(month, lapsing.get(month, 0)) for month in months]
    return {
        "units": _completion_per_unit(unit, column_ids),
        "expiry_months": expiry_months,
        "expiry_max": max(entry.count for entry in expiry_months) or 1,
        "overdue_total": counts.get(OVERDUE, 0),
        "expiring_total": counts.get(EXPIRING, 0),
        "overdue": most_urgent(OVERDUE, "due_date"),
        "expiring": most_urgent(EXPIRING, "valid_until"),
        "list_limit": list_limit,
    }


def _completion_per_unit(unit: Organisation, column_ids: list[int]) -> list[UnitCompletion]:
    """Per unit with members (the unit and every unit below it): the mandatory cells of its
    members (every matrix cell that is not "not required") and how many are held. A person
    with memberships in two units counts in both."""
    if not column_ids:
        return []
    membership = Membership._meta.db_table
    organisation = Organisation._meta.db_table
    table = QualificationStatus._meta.db_table
    placeholders = ", ".join(["%s"] * len(column_ids))
    sql = (
        "SELECT o.name, o.path, COUNT(*),"
        " SUM(CASE WHEN qs.status IN (%s, %s) THEN 1 ELSE 0 END)"
        f" FROM {membership} m INNER JOIN {organisation} o ON o.id = m.organisation_id"
        f" INNER JOIN {table} qs ON qs.user_id = m.user_id"
        f" WHERE o.path LIKE %s AND qs.status <> %s AND qs.course_id IN ({placeholders})"
        " GROUP BY o.id, o.name, o.path ORDER BY o.name, o.path"
    )
    params = [HELD, EXPIRING, unit.path + "%", NOT_REQUIRED, *column_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [UnitCompletion(name, required, held) for name, _path, required, held in cursor]
