"""The stored qualification statuses: ``qualification_status_refresh`` keeps ``QualificationStatus``
equal to the live cell rules (``qualification_cells_live``) for the people a
write touched. Every write path that changes a cell calls it in its own transaction, so the
matrix shows the new status right after the action; dates are moved on nightly
(``qualification_status_refresh_due``) and ``refresh_qualification_status`` rebuilds all.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Enrolment, ExternalQualification, QualificationStatus, User
from ..models.accounts import ERASED_EMAIL_DOMAIN
from ..selectors.hr.cells import EXPIRING, EXPIRY_WARNING_DAYS, HELD, IN_PROGRESS, NOT_STARTED
from ..selectors.hr.live import qualification_cells_live
from .unit_counts import unit_counts_record, unit_status_counts_recount

CHUNK_SIZE = 1000
FIELDS = ("status", "required", "valid_until", "due_date", "percent", "enrolment_id")
_deferred: ContextVar[set[int] | None] = ContextVar("qualification_status_deferred", default=None)


@contextmanager
def qualification_status_deferred() -> Iterator[None]:
    """Inside, refreshes only collect their people; on leaving, one set-based refresh runs for
    all of them. For batch writes (an HR sync applying hundreds of rows) that would otherwise
    refresh person by person; use it inside the batch's transaction, so the matrix is still
    current the moment the batch commits."""
    token = _deferred.set(set())
    try:
        yield
        user_ids = _deferred.get()
    finally:
        _deferred.reset(token)
    if user_ids:
        qualification_status_refresh(user_ids=user_ids)


@transaction.atomic(savepoint=False)
def qualification_status_refresh(
    *,
    user_ids: Iterable[int],
    course_ids: Iterable[int] | None = None,
    today: date | None = None,
) -> int:
    """Recompute the cells of these people (only of ``course_ids`` when given) and store them:
    rows that changed or are new are upserted, rows no longer relevant are deleted, unchanged
    rows are left alone. Without ``course_ids`` the units the people count in (``UnitMember``)
    are recomputed from their memberships too. Every change of a cell's (status, required) or
    of a person's units is recorded in the units' counts (``UnitStatusCount``). Set-based,
    ``CHUNK_SIZE`` people at a time (about ten queries each). Returns the number of status rows
    written or deleted (0 when everything was current).

    Write paths call it inside their own transaction, so the matrix is current the moment the
    write commits (no savepoint of its own: a failure rolls back the caller's write too). The
    people's rows are locked first: two refreshes of one person never count a change twice."""
    collecting = _deferred.get()
    if collecting is not None:  # inside qualification_status_deferred(): refreshed at its end
        collecting.update(user_ids)
        return 0
    today = today or timezone.localdate()
    user_ids = sorted(set(user_ids))
    course_ids = None if course_ids is None else sorted(set(course_ids))
    if course_ids == []:
        return 0
    changed = 0
    for start in range(0, len(user_ids), CHUNK_SIZE):
        chunk = user_ids[start : start + CHUNK_SIZE]
        accounts = (
            User.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "full_name", "email")
        )
        names, erased = {}, []
        for pk, full_name, email in accounts:
            names[pk] = full_name
            if email.endswith(ERASED_EMAIL_DOMAIN):
                erased.append(pk)
        live = qualification_cells_live(
            chunk, course_ids=course_ids, today=today, erased_ids=erased
        )
        stored = QualificationStatus.objects.filter(user_id__in=chunk)
        if course_ids is not None:
            stored = stored.filter(course_id__in=course_ids)
        existing = {
            (row[1], row[2]): (row[0], row[3:])
            for row in stored.values_list("pk", "user_id", "course_id", *FIELDS)
        }
        now = timezone.now()
        rows = []
        for (user_id, course_id), item in live.items():
            cell = item.cell
            values = (
                cell.status,
                item.required,
                cell.valid_until,
                cell.due_date,
                cell.percent,
                item.enrolment_id,
            )
            current = existing.get((user_id, course_id))
            if current is not None and current[1] == values:
                continue
            rows.append(
                QualificationStatus(
                    user_id=user_id,
                    course_id=course_id,
                    updated_at=now,
                    **dict(zip(FIELDS, values, strict=True)),
                )
            )
        if rows:
            QualificationStatus.objects.bulk_create(
                rows,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["user", "course"],
                update_fields=[*FIELDS, "updated_at"],
            )
        gone = [pk for key, (pk, _values) in existing.items() if key not in live]
        if gone:
            QualificationStatus.objects.filter(pk__in=gone).delete()
        changed += len(rows) + len(gone)
        before = {key: (values[0], values[1]) for key, (_pk, values) in existing.items()}
        after = {key: (item.cell.status, item.required) for key, item in live.items()}
        unit_counts_record(
            names=names, before=before, after=after, units_changed=course_ids is None
        )
    return changed


def qualification_status_refresh_due(*, today: date | None = None) -> int:
    """Nightly (idempotent): refresh the stored cells whose date crossed a boundary since they
    were written — held → expiring (≤ 90 days), expiring → expired, open → overdue. Running it
    twice on the same day changes nothing the second time."""
    today = today or timezone.localdate()
    crossed = QualificationStatus.objects.filter(
        Q(status=HELD, valid_until__lte=today + timedelta(days=EXPIRY_WARNING_DAYS))
        | Q(status=EXPIRING, valid_until__lt=today)
        | Q(status__in=[NOT_STARTED, IN_PROGRESS], due_date__lt=today)
    ).values_list("course_id", "user_id")
    users_of_course = defaultdict(set)
    for course_id, user_id in crossed.iterator():
        users_of_course[course_id].add(user_id)
    return sum(
        qualification_status_refresh(user_ids=users, course_ids=[course_id], today=today)
        for course_id, users in users_of_course.items()
    )


def qualification_status_refresh_course(*, course_id: int) -> int:
    """Refresh one course's cells for everyone who has one (after its validity or its lessons
    changed in Wagtail)."""
    user_ids = (
        set(
            QualificationStatus.objects.filter(course_id=course_id).values_list(
                "user_id", flat=True
            )
        )
        | set(Enrolment.objects.filter(course_id=course_id).values_list("user_id", flat=True))
        | set(
            ExternalQualification.objects.filter(course_id=course_id).values_list(
                "user_id", flat=True
            )
        )
    )
    return qualification_status_refresh(user_ids=user_ids, course_ids=[course_id])


def qualification_status_rebuild(*, today: date | None = None) -> int:
    """Recompute every stored status and every person's units (after deploys, bulk-loaded
    data or content changes), one chunk of people per transaction, then count the units again
    (the counts can only be trusted to follow changes made through the services). Returns the
    number of status rows written or deleted."""
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    changed = sum(
        qualification_status_refresh(user_ids=user_ids[start : start + CHUNK_SIZE], today=today)
        for start in range(0, len(user_ids), CHUNK_SIZE)
    )
    unit_status_counts_recount()
    return changed


def qualification_statuses_stored() -> dict[tuple[int, int], tuple]:
    """Every stored status as {(user, course): (status, required, valid until, due date,
    percent, enrolment)}, to compare with ``qualification_statuses_expected``."""
    return {
        (row[0], row[1]): row[2:]
        for row in QualificationStatus.objects.values_list("user_id", "course_id", *FIELDS)
    }


def qualification_statuses_expected(*, today: date | None = None) -> dict[tuple[int, int], tuple]:
    """What every stored status should be by the live cell rules, in the same shape as
    ``qualification_statuses_stored``. The test suite compares the two after every test: a
    write path that changes a cell without ``qualification_status_refresh`` fails there."""
    user_ids = list(User.objects.values_list("pk", flat=True))
    expected = {}
    for start in range(0, len(user_ids), CHUNK_SIZE):
        live = qualification_cells_live(user_ids[start : start + CHUNK_SIZE], today=today)
        for key, item in live.items():
            cell = item.cell
            expected[key] = (
                cell.status,
                item.required,
                cell.valid_until,
                cell.due_date,
                cell.percent,
                item.enrolment_id,
            )
    return expected
