# The SQL below interpolates only table names and status constants from the code; every value
# (paths, ids, dates, the filter) is a query parameter.
# ruff: noqa: S608, S611
"""The key figures of a unit for the HR dashboard and the weekly digest, aggregated from the
same stored cells as the matrix, so they always agree with it."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone

from courses.models import CoursePage

from ...dates import add_months
from ...models import (
    Membership,
    Organisation,
    QualificationStatus,
)
from .cells import EXPIRING, HELD, NOT_REQUIRED, OVERDUE
from .matrix import Person, matrix_query


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
    query, counts, _people = matrix_query(unit=unit, job_profile=None, status="", sort="name")
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
