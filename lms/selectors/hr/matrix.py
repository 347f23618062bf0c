# The SQL below interpolates only table names and status constants from the code; every value
# (paths, ids, dates, the filter) is a query parameter.
# ruff: noqa: S608, S611
"""The qualification matrix of a unit, read from the stored statuses: who holds which
required qualification, one page (or, for exports, every row) at a time in a fixed number of
queries whatever the unit's size. Scope is the caller's job (``organisations_visible_to``)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Sum

from courses.models import CoursePage

from ...models import (
    JobProfile,
    Membership,
    Organisation,
    QualificationStatus,
    UnitMember,
    UnitStatusCount,
)
from ...names import name_fold
from .cells import NOT_REQUIRED, Cell


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


def matrix_query(
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
    query, status_counts, people = matrix_query(
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
