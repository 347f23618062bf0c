"""Whom each unit's qualification matrix lists and what it counts: ``UnitMember`` (a person's
units, from their memberships, with the name as sort key) and ``UnitStatusCount`` (per unit and
job profile, signed changes of the number of people and of stored cells per (course, status,
required)). Their sums always equal counting the stored cells of the unit's people again
(``unit_status_counts_expected``; the tests check it after every test): every change goes
through ``unit_counts_record``, which ``qualification_status_refresh`` calls with the cells
before and after under the people's row locks, and ``unit_counts_forget`` before a person is
deleted."""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Sum

from ..models import (
    Membership,
    Organisation,
    QualificationStatus,
    UnitMember,
    UnitStatusCount,
    User,
)
from ..names import name_sort_key

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
    names = {user_id: name_sort_key(name) for user_id, name in names.items()}
    changes = _cell_changes(before, after)
    if not units_changed and not changes:
        return 0
    stored = defaultdict(dict)  # user → {(unit, profile): (UnitMember pk, name)}
    for pk, user_id, unit, profile, name in UnitMember.objects.filter(
        user_id__in=list(names)
    ).values_list("pk", "user_id", "organisation_id", "job_profile_id", "sort_key"):
        stored[user_id][(unit, profile)] = (pk, name)
    counts: Counter = Counter()
    if not units_changed:
        for user_id, cell_changes in changes.items():
            for unit_key in stored.get(user_id, {}):
                for cell_key, change in cell_changes.items():
                    counts[(*unit_key, *cell_key)] += change
        return _counts_insert(counts)
    cells_before, cells_after = _cells_per_person(before), _cells_per_person(after)
    new_units = _units_of(list(names))
    added, removed = [], []
    for user_id, name in names.items():
        old, new = stored.get(user_id, {}), new_units.get(user_id, set())
        for unit_key in set(old) - new:  # no longer counted there: take the old cells out
            removed.append(old[unit_key][0])
            _add(counts, unit_key, cells_before[user_id], sign=-1)
        for unit_key in new - set(old):  # newly counted there: add the new cells
            added.append(
                UnitMember(
                    organisation_id=unit_key[0],
                    job_profile_id=unit_key[1],
                    user_id=user_id,
                    sort_key=name,
                )
            )
            _add(counts, unit_key, cells_after[user_id], sign=1)
        for unit_key in new & set(old):  # still there: only the cells that changed
            for cell_key, change in changes.get(user_id, {}).items():
                counts[(*unit_key, *cell_key)] += change
        renamed = [pk for pk, old_name in old.values() if old_name != name]
        if renamed:
            UnitMember.objects.filter(pk__in=renamed).update(sort_key=name)
    if removed:
        UnitMember.objects.filter(pk__in=removed).delete()
    if added:
        UnitMember.objects.bulk_create(added, batch_size=1000)
    return _counts_insert(counts)


def _cell_changes(before: dict, after: dict) -> dict[int, Counter]:
    """Per person: -1 for each (course, status, required) a cell left, +1 for each it took."""
    changes: dict[int, Counter] = defaultdict(Counter)
    for (user_id, course_id), (status, required) in before.items():
        if after.get((user_id, course_id)) != (status, required):
            changes[user_id][(course_id, status, required)] -= 1
    for (user_id, course_id), (status, required) in after.items():
        if before.get((user_id, course_id)) != (status, required):
            changes[user_id][(course_id, status, required)] += 1
    return changes


def _cells_per_person(cells: dict) -> dict[int, Counter]:
    per_person: dict[int, Counter] = defaultdict(Counter)
    for (user_id, course_id), (status, required) in cells.items():
        per_person[user_id][(course_id, status, required)] += 1
    return per_person


def _add(counts: Counter, unit_key: tuple, cells: Counter, *, sign: int) -> None:
    """Count a person (and their cells) in or out of one unit (and job profile)."""
    counts[(*unit_key, None, PEOPLE, False)] += sign
    for cell_key, n in cells.items():
        counts[(*unit_key, *cell_key)] += sign * n


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
    cells = _cells_per_person(before)
    counts: Counter = Counter()
    for user_id, unit, profile in UnitMember.objects.filter(user_id__in=list(names)).values_list(
        "user_id", "organisation_id", "job_profile_id"
    ):
        _add(counts, (unit, profile), cells[user_id], sign=-1)
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
