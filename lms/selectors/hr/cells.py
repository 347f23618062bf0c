"""The cell rules of the qualification matrix: what one (person, course) shows — held,
expiring, expired, in progress, not started, overdue or not required — from the latest
enrolment and approved external qualifications. Pure functions of their inputs (no queries),
so every reader (live computation, the employee record, tests) applies the same rules."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from ...models import Enrolment

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
    """The cell of one (person, course) from the person's latest enrolment (``None``: never
    enrolled), whether the course is ``required`` of them, the share of required lessons done
    (``percent``) and ``today``. In order: completed → held, expiring within
    ``EXPIRY_WARNING_DAYS`` or expired by the validity fixed at completion; withdrawn or never
    enrolled → not started when required, else not required; open with a due date before today
    → overdue; open with progress → in progress; otherwise not started. Approved external
    qualifications are combined afterwards (``better_cell``), so a course done elsewhere can
    only raise a cell, never lower it."""
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
