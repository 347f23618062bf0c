"""The stored qualification statuses: ``qualification_status_refresh`` keeps ``QualificationStatus``
equal to the live cell rules (``lms.selectors.hr.qualification_cells_live``) for the people a
write touched. Every write path that changes a cell calls it in its own transaction, so the
matrix shows the new status right after the action; dates are moved on nightly
(``qualification_status_refresh_due``) and ``refresh_qualification_status`` rebuilds all.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..models import (
    Enrolment,
    ExternalQualification,
    Membership,
    Organisation,
    QualificationStatus,
    UnitMember,
    UnitStatusCount,
    User,
)
from ..selectors.hr import (
    EXPIRING,
    EXPIRY_WARNING_DAYS,
    HELD,
    IN_PROGRESS,
    NOT_STARTED,
    qualification_cells_live,
)

CHUNK_SIZE = 1000
FIELDS = ("status", "required", "valid_until", "due_date", "percent", "enrolment_id")


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
    today = today or timezone.localdate()
    user_ids = sorted(set(user_ids))
    course_ids = None if course_ids is None else sorted(set(course_ids))
    if course_ids == []:
        return 0
    changed = 0
    for start in range(0, len(user_ids), CHUNK_SIZE):
        chunk = user_ids[start : start + CHUNK_SIZE]
        names = dict(
            User.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "full_name")
        )
        live = qualification_cells_live(chunk, course_ids=course_ids, today=today)
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


# --- Units and their counts -----------------------------------------------------------------
#
# ``UnitMember`` says whom each unit's matrix lists; ``UnitStatusCount`` holds, per unit and
# job profile, signed changes of the number of people and of cells per (course, status,
# required). Their sums always equal counting the stored cells of the unit's people
# (``unit_status_counts_expected``, checked by the tests): every change goes through
# ``unit_counts_record``, called by ``qualification_status_refresh`` with the cells before and
# after, and by the deletion of a person (``unit_counts_forget``).

PEOPLE = ""  # the status of the row counting people (its course is None)


def _units_of(user_ids) -> dict[int, set[tuple[int, int | None]]]:
    """(unit, job profile or None) pairs each person counts in, from the memberships: every
    unit of a membership and the units above it, with and without the membership's profiles."""
    memberships = Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "organisation__path", "job_profiles"
    )
    step = Organisation.steplen
    wanted: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    paths = set()
    for user_id, path, profile_id in memberships:
        wanted[user_id].append((path, profile_id))
        paths.update(path[:end] for end in range(step, len(path) + 1, step))
    unit_of_path = (
        dict(Organisation.objects.filter(path__in=paths).values_list("path", "pk")) if paths else {}
    )
    units: dict[int, set] = defaultdict(set)
    for user_id, pairs in wanted.items():
        for path, profile_id in pairs:
            for end in range(step, len(path) + 1, step):
                unit = unit_of_path[path[:end]]
                units[user_id].add((unit, None))
                if profile_id is not None:
                    units[user_id].add((unit, profile_id))
    return units


def unit_counts_record(*, names: dict, before: dict, after: dict, units_changed: bool) -> int:
    """Record what changed for these people (``names``: id → full name): cells ``before`` and
    ``after`` as {(user, course): (status, required)}; with ``units_changed`` their units are
    recomputed from the memberships (and ``before``/``after`` must hold all their cells).
    Returns the number of count rows inserted."""
    if not names:
        return 0
    cell_changes: dict[int, Counter] = defaultdict(Counter)
    for (user_id, course_id), (status, required) in before.items():
        if after.get((user_id, course_id)) != (status, required):
            cell_changes[user_id][(course_id, status, required)] -= 1
    for (user_id, course_id), (status, required) in after.items():
        if before.get((user_id, course_id)) != (status, required):
            cell_changes[user_id][(course_id, status, required)] += 1
    if not units_changed and not cell_changes:
        return 0
    stored_units: dict[int, dict] = defaultdict(dict)
    for pk, user_id, unit, profile, name in UnitMember.objects.filter(
        user_id__in=list(names)
    ).values_list("pk", "user_id", "organisation_id", "job_profile_id", "full_name"):
        stored_units[user_id][(unit, profile)] = (pk, name)
    counts: Counter = Counter()
    if not units_changed:
        for user_id, changes in cell_changes.items():
            for unit_key in stored_units.get(user_id, {}):
                for cell_key, change in changes.items():
                    counts[(*unit_key, *cell_key)] += change
        return _counts_insert(counts)
    new_units = _units_of(list(names))
    cells_before: dict[int, Counter] = defaultdict(Counter)
    cells_after: dict[int, Counter] = defaultdict(Counter)
    for (user_id, course_id), (status, required) in before.items():
        cells_before[user_id][(course_id, status, required)] += 1
    for (user_id, course_id), (status, required) in after.items():
        cells_after[user_id][(course_id, status, required)] += 1
    added, removed = [], []
    for user_id, name in names.items():
        old = stored_units.get(user_id, {})
        new = new_units.get(user_id, set())
        for unit_key in set(old) - new:  # no longer counted there: take the old cells out
            removed.append(old[unit_key][0])
            counts[(*unit_key, None, PEOPLE, False)] -= 1
            for cell_key, n in cells_before[user_id].items():
                counts[(*unit_key, *cell_key)] -= n
        for unit_key in new - set(old):  # newly counted there: add the new cells
            added.append(
                UnitMember(
                    organisation_id=unit_key[0],
                    job_profile_id=unit_key[1],
                    user_id=user_id,
                    full_name=name,
                )
            )
            counts[(*unit_key, None, PEOPLE, False)] += 1
            for cell_key, n in cells_after[user_id].items():
                counts[(*unit_key, *cell_key)] += n
        for unit_key in new & set(old):  # still there: only the cells that changed
            for cell_key, change in cell_changes.get(user_id, {}).items():
                counts[(*unit_key, *cell_key)] += change
    if removed:
        UnitMember.objects.filter(pk__in=removed).delete()
    if added:
        UnitMember.objects.bulk_create(added, batch_size=1000)
    for user_id, name in names.items():
        pks = [pk for pk, old_name in stored_units.get(user_id, {}).values() if old_name != name]
        if pks:
            UnitMember.objects.filter(pk__in=pks).update(full_name=name)
    return _counts_insert(counts)


def _counts_insert(counts: Counter) -> int:
    rows = [
        UnitStatusCount(
            organisation_id=unit,
            job_profile_id=profile,
            course_id=course_id,
            status=status,
            required=required,
            change=change,
        )
        for (unit, profile, course_id, status, required), change in counts.items()
        if change
    ]
    UnitStatusCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic(savepoint=False)
def unit_counts_forget(*, user_ids: Iterable[int]) -> int:
    """Take people out of every unit's counts before they are deleted (their cells and unit
    rows go with them by cascade; the counts would not)."""
    user_ids = list(user_ids)
    names = dict(
        User.objects.select_for_update().filter(pk__in=user_ids).values_list("pk", "full_name")
    )
    before = {
        (user_id, course_id): (status, required)
        for user_id, course_id, status, required in QualificationStatus.objects.filter(
            user_id__in=user_ids
        ).values_list("user_id", "course_id", "status", "required")
    }
    counts: Counter = Counter()
    cells: dict[int, Counter] = defaultdict(Counter)
    for (user_id, course_id), (status, required) in before.items():
        cells[user_id][(course_id, status, required)] += 1
    for user_id, unit, profile in UnitMember.objects.filter(user_id__in=list(names)).values_list(
        "user_id", "organisation_id", "job_profile_id"
    ):
        counts[(unit, profile, None, PEOPLE, False)] -= 1
        for cell_key, n in cells[user_id].items():
            counts[(unit, profile, *cell_key)] -= n
    return _counts_insert(counts)


def unit_status_counts_compact() -> int:
    """Fold each unit's count changes into one row per (job profile, course, status, required)
    and drop zeros, one unit per transaction; returns the number of rows removed. Concurrent
    writers only insert, and rows inserted meanwhile are left alone; two compactions of one
    unit wait for each other (the unit row is locked)."""
    keys = ("job_profile_id", "course_id", "status", "required")
    units = {
        row["organisation_id"]
        for row in UnitStatusCount.objects.values("organisation_id", *keys)
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
    } | set(UnitStatusCount.objects.filter(change=0).values_list("organisation_id", flat=True))
    removed = 0
    for unit in sorted(units):
        with transaction.atomic():
            list(Organisation.objects.select_for_update(no_key=True).filter(pk=unit))
            rows = list(
                UnitStatusCount.objects.filter(organisation_id=unit).values_list(
                    "pk", *keys, "change"
                )
            )
            sums: Counter = Counter()
            for _pk, *key, change in rows:
                sums[tuple(key)] += change
            UnitStatusCount.objects.filter(pk__in=[row[0] for row in rows]).delete()
            UnitStatusCount.objects.bulk_create(
                [
                    UnitStatusCount(
                        organisation_id=unit,
                        job_profile_id=profile,
                        course_id=course,
                        status=status,
                        required=required,
                        change=change,
                    )
                    for (profile, course, status, required), change in sums.items()
                    if change
                ],
                batch_size=1000,
            )
            removed += len(rows) - sum(1 for change in sums.values() if change)
    return removed


def unit_status_counts_expected() -> Counter:
    """The counts recomputed from scratch in two aggregates (``UnitMember`` × stored cells):
    what the summed changes must equal (the tests check it after every test)."""
    expected: Counter = Counter()
    for unit, profile, n in (
        UnitMember.objects.values_list("organisation_id", "job_profile_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        expected[(unit, profile, None, PEOPLE, False)] = n
    cell = "user__qualification_statuses__"
    for *key, n in (
        UnitMember.objects.filter(**{f"{cell}isnull": False})
        .values_list(
            "organisation_id",
            "job_profile_id",
            f"{cell}course_id",
            f"{cell}status",
            f"{cell}required",
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        expected[tuple(key)] = n
    return Counter({key: n for key, n in expected.items() if n})


@transaction.atomic
def unit_status_counts_recount() -> int:
    """Replace every count by counting again (after a rebuild, or when rows were changed
    behind the services' back). On PostgreSQL the table is locked against new changes while
    it is recounted; changes committed before are counted, later ones apply on top. Returns
    the number of count rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {UnitStatusCount._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
            )
    UnitStatusCount.objects.all().delete()
    counts = unit_status_counts_expected()
    return _counts_insert(counts)


def unit_status_counts_stored() -> Counter:
    """The summed count changes per key (zeros dropped)."""
    stored: Counter = Counter()
    for *key, total in UnitStatusCount.objects.values_list(
        "organisation_id", "job_profile_id", "course_id", "status", "required"
    ).annotate(total=Sum("change")):
        stored[tuple(key)] = total
    return Counter({key: n for key, n in stored.items() if n})


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
