"""HR sync of any size: upload a full export, see the difference, confirm, apply in Celery.

The file is the HR system's snapshot of one unit (and its sub-units): every employee in it, one
row each (CSV with ``;`` or ``,`` in UTF-8 or Windows-1252, or XLSX; the column names are saved
per organisation). ``people_sync_check`` compares it with the platform without writing anything
but the sync's own rows:

* **joiners** – in the file, not (or no longer) members of the unit;
* **movers** – members whose unit, job profile or name differs;
* **leavers** – employees (role "Beschäftigte") of the unit missing from the file; staff roles
  (HR, admins, trainers) are never ended by a sync, nor the person uploading;
* **unchanged**, and **errors** with a German message (unknown unit or job profile, duplicate
  address, a person of another organisation, …), which are skipped.

``people_sync_apply`` writes in batches of ``APPLY_BATCH`` rows, marking them applied in the same
transaction (and refreshing the matrix statuses of their people once per batch), so a second run
(or a worker that died midway) continues where it stopped and never applies a row twice;
applying the same file again later finds nothing to change. A file that would make more
than ``PEOPLE_SYNC_LEAVER_GUARD`` of the unit leave (a truncated export, say) is applied only
after HR confirms that share explicitly.
"""

import csv
import functools
import io
import logging
from collections.abc import Iterator
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from ..models import (
    AuditEvent,
    Departure,
    JobProfile,
    Membership,
    Organisation,
    PeopleSync,
    PeopleSyncMapping,
    PeopleSyncRow,
    User,
)
from .accounts import membership_remove, membership_set
from .audit import audit_record
from .departures import employment_end
from .invitations import invitation_send
from .names import name_set_from_source
from .people_import import NAME_MAX_LENGTH, _decode
from .qualification_status import qualification_status_deferred

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024  # below MAX_REQUEST_BYTES (25 MB), so HR sees this message
CHUNK = 2000
APPLY_BATCH = 100
Change = PeopleSyncRow.Change
COLUMN_FIELDS = ("name_column", "email_column", "unit_column", "job_profile_column")


class SyncFileError(Exception):
    """The file cannot be read as an HR export; the message is for HR."""


# -- upload ----------------------------------------------------------------------------------
def people_sync_mapping_for(unit: Organisation) -> PeopleSyncMapping:
    """The unit's saved column names, else the defaults (Name, E-Mail, Einheit, Stellenprofil)."""
    return PeopleSyncMapping.objects.filter(organisation=unit).first() or PeopleSyncMapping(
        organisation=unit
    )


@transaction.atomic
def people_sync_upload(*, unit: Organisation, user: User, upload, columns: dict) -> PeopleSync:
    """Store the file, remember the column names for the unit, queue the check."""
    from ..tasks import people_sync_check_task

    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(_("Please upload a CSV or Excel (.xlsx) file."))
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    PeopleSyncMapping.objects.update_or_create(organisation=unit, defaults=columns)
    sync = PeopleSync.objects.create(
        organisation=unit, requested_by=user, file_name=upload.name[:255], columns=columns
    )
    name = f"hr-sync/{sync.pk}-{get_random_string(12)}{suffix}"
    sync.file.name = default_storage.save(name, ContentFile(upload.read()))
    sync.save(update_fields=["file"])
    transaction.on_commit(functools.partial(people_sync_check_task.delay, sync.pk))
    return sync


# -- reading the file ------------------------------------------------------------------------
def _cells(sync: PeopleSync) -> Iterator[list]:
    with default_storage.open(sync.file.name, "rb") as handle:
        raw = handle.read()
    if sync.file.name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 (any unreadable workbook)
            raise SyncFileError(_("The Excel file could not be read.")) from exc
        for values in workbook.active.iter_rows(values_only=True):
            yield ["" if value is None else str(value) for value in values]
        workbook.close()
        return
    try:
        text = _decode(raw)
    except ValidationError as exc:
        raise SyncFileError(exc.messages[0]) from exc
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=";,").delimiter
    except csv.Error:
        delimiter = ";"
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def file_rows(sync: PeopleSync) -> Iterator[dict]:
    """The file's rows as dicts with line, name, email, unit_name, job_profile_name."""
    cells = _cells(sync)
    header = [str(column).strip().casefold() for column in next(cells, [])]
    positions, missing = {}, []
    for key, field in zip(
        ("name", "email", "unit_name", "job_profile_name"), COLUMN_FIELDS, strict=True
    ):
        wanted = (sync.columns.get(field) or "").strip().casefold()
        if wanted in header:
            positions[key] = header.index(wanted)
        elif key in ("name", "email"):
            missing.append(sync.columns.get(field) or field)
    if missing:
        raise SyncFileError(
            _("The file has no column %(columns)s. Please check the column names.")
            % {"columns": ", ".join(f"„{name}“" for name in missing)}
        )
    for line, values in enumerate(cells, start=2):
        if not any(str(value).strip() for value in values):
            continue
        yield {
            "line": line,
            **{
                key: (str(values[index]).strip() if index < len(values) else "")
                for key, index in positions.items()
            },
        }


# -- the difference --------------------------------------------------------------------------
def _members(unit: Organisation) -> dict[str, list[dict]]:
    """The unit's memberships by lower-cased address, with their job profiles."""
    memberships = list(
        Membership.objects.filter(organisation__path__startswith=unit.path).values(
            "pk", "user_id", "user__email", "user__full_name", "organisation_id", "role"
        )
    )
    profiles: dict[int, set[int]] = {}
    through = Membership.job_profiles.through
    for membership_id, profile_id in through.objects.filter(
        membership__organisation__path__startswith=unit.path
    ).values_list("membership_id", "jobprofile_id"):
        profiles.setdefault(membership_id, set()).add(profile_id)
    by_email: dict[str, list[dict]] = {}
    for membership in memberships:
        membership["profiles"] = profiles.get(membership["pk"], set())
        by_email.setdefault(membership["user__email"].lower(), []).append(membership)
    return by_email


def _others(emails: list[str]) -> dict[str, tuple[int, bool]]:
    """Accounts of these addresses outside the unit: address → (user id, has a membership)."""
    found = {}
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        users = (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list("email_lower", "pk")
        )
        ids = dict(users)
        with_membership = set(
            Membership.objects.filter(user_id__in=ids.values()).values_list("user_id", flat=True)
        )
        found.update({email: (pk, pk in with_membership) for email, pk in ids.items()})
    return found


def _check_row(item: dict, units: dict, profiles: dict, unit: Organisation, seen: set):
    """(row, error): the row resolved against units and job profiles, or why it cannot be."""
    row = PeopleSyncRow(line=item["line"], email=item["email"][:254], name=item["name"][:200])
    errors = []
    if not row.name:
        errors.append(_("The name is missing."))
    elif len(item["name"]) > NAME_MAX_LENGTH:
        errors.append(_("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    try:
        validate_email(item["email"])
    except ValidationError:
        errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": item["email"]})
    key = item["email"].lower()
    if key in seen:
        errors.append(_("This e-mail address appears more than once in the file."))
    seen.add(key)
    unit_name = item.get("unit_name", "")
    row.unit = units.get(unit_name.casefold()) if unit_name else unit
    if row.unit is None:
        errors.append(
            _("Unknown unit “%(unit)s”: it must be %(scope)s or one of its sub-units.")
            % {"unit": unit_name, "scope": unit.name}
        )
    profile_name = item.get("job_profile_name", "")
    if profile_name:
        row.job_profile = profiles.get(profile_name.casefold())
        if row.job_profile is None:
            errors.append(_("Unknown job profile “%(profile)s”.") % {"profile": profile_name})
    return row, " ".join(errors)


def _compare(row: PeopleSyncRow, memberships: list[dict]) -> tuple[str, str]:
    """(change, what changed) for a person who is a member of the unit."""
    current = memberships[0]
    changes = []
    staff = any(m["role"] != Membership.Role.LEARNER for m in memberships)
    # Staff roles (HR, admins, trainers) are placed by hand: a sync never moves them.
    if not staff and all(m["organisation_id"] != row.unit_id for m in memberships):
        changes.append(_("unit"))
    here = next((m for m in memberships if m["organisation_id"] == row.unit_id), current)
    if row.job_profile_id and here["profiles"] != {row.job_profile_id}:
        changes.append(_("job profile"))
    if row.name != current["user__full_name"]:
        changes.append(_("name"))
    if not changes:
        return Change.SAME, ""
    return Change.MOVE, _("Changed: %(what)s") % {"what": ", ".join(changes)}


def _save(sync: PeopleSync, rows: list[PeopleSyncRow]) -> None:
    for row in rows:
        row.sync = sync
    PeopleSyncRow.objects.bulk_create(rows, batch_size=CHUNK)


def people_sync_check(*, sync_id: int) -> PeopleSync:
    """Compute the difference of an uploaded sync (idempotent: only an uploaded sync is
    checked; a failure marks it failed with the reason)."""
    claimed = PeopleSync.objects.filter(pk=sync_id, status=PeopleSync.Status.UPLOADED).update(
        status=PeopleSync.Status.CHECKING
    )
    sync = PeopleSync.objects.select_related("organisation", "requested_by").get(pk=sync_id)
    if not claimed:
        return sync
    try:
        _check(sync)
    except SyncFileError as error:
        _fail(sync, str(error))
    except Exception:
        logger.exception("HR sync %s could not be checked", sync.pk)
        _fail(sync, _("The file could not be checked. Please try again or ask the support."))
    sync.refresh_from_db()
    return sync


def _fail(sync: PeopleSync, message: str) -> None:
    sync.rows.all().delete()
    PeopleSync.objects.filter(pk=sync.pk).update(
        status=PeopleSync.Status.FAILED, error=message, finished_at=timezone.now()
    )


def _check(sync: PeopleSync) -> None:
    unit = sync.organisation
    units = {u.name.casefold(): u for u in Organisation.objects.filter(path__startswith=unit.path)}
    profiles = {p.name.casefold(): p for p in JobProfile.objects.all()}
    members = _members(unit)
    items = list(file_rows(sync))
    PeopleSync.objects.filter(pk=sync.pk).update(total=len(items) + 1, done=0)
    outsiders = _others(sorted({i["email"].lower() for i in items} - set(members)))
    seen: set[str] = set()
    counts = dict.fromkeys(Change.values, 0)
    batch: list[PeopleSyncRow] = []
    for number, item in enumerate(items, start=1):
        row, error = _check_row(item, units, profiles, unit, seen)
        key = item["email"].lower()
        if not error and key in outsiders and outsiders[key][1]:
            error = _("This e-mail address belongs to a person of another organisation.")
        if error:
            row.change, row.detail = Change.ERROR, error[:300]
        elif key in members:
            row.user_id = members[key][0]["user_id"]
            row.change, row.detail = _compare(row, members[key])
        else:
            row.user_id = outsiders.get(key, (None, False))[0]
            row.change = Change.JOIN
            row.detail = _("Returns (former staff)") if row.user_id else ""
        counts[row.change] += 1
        batch.append(row)
        if len(batch) >= CHUNK:
            _save(sync, batch)
            batch = []
            PeopleSync.objects.filter(pk=sync.pk).update(done=number)
    employees = 0  # people a sync may end: employees only (no staff role), not the uploader
    for email, memberships in members.items():
        if memberships[0]["user_id"] == sync.requested_by_id or any(
            m["role"] != Membership.Role.LEARNER for m in memberships
        ):
            continue
        employees += 1
        if email in seen:
            continue
        batch.append(
            PeopleSyncRow(
                change=Change.LEAVE,
                email=memberships[0]["user__email"],
                name=memberships[0]["user__full_name"],
                user_id=memberships[0]["user_id"],
                unit_id=memberships[0]["organisation_id"],
            )
        )
        counts[Change.LEAVE] += 1
    _save(sync, batch)
    counts["employees"] = employees
    PeopleSync.objects.filter(pk=sync.pk).update(
        status=PeopleSync.Status.CHECKED, counts=counts, done=len(items) + 1
    )


# -- applying --------------------------------------------------------------------------------
def leaver_share(sync: PeopleSync) -> float:
    """Leavers as a share of the unit's employees before the sync."""
    employees = sync.counts.get("employees") or 0
    return (sync.counts.get(Change.LEAVE, 0) / employees) if employees else 0.0


def needs_leaver_confirmation(sync: PeopleSync) -> bool:
    return leaver_share(sync) > settings.PEOPLE_SYNC_LEAVER_GUARD


def people_sync_apply_request(*, sync: PeopleSync, user: User, leavers_confirmed: bool) -> bool:
    """Start applying a checked sync (once). False when the leaver guard wants confirmation."""
    from ..tasks import people_sync_apply_task

    if needs_leaver_confirmation(sync) and not leavers_confirmed:
        return False
    changes = sum(sync.counts.get(c, 0) for c in (Change.JOIN, Change.MOVE, Change.LEAVE))
    claimed = PeopleSync.objects.filter(pk=sync.pk, status=PeopleSync.Status.CHECKED).update(
        status=PeopleSync.Status.APPLYING, total=changes, done=0
    )
    if claimed:
        transaction.on_commit(functools.partial(people_sync_apply_task.delay, sync.pk))
    return True


def people_sync_apply(*, sync_id: int) -> PeopleSync:
    """Apply every row not applied yet; resumable and idempotent."""
    sync = PeopleSync.objects.select_related("organisation", "requested_by").get(pk=sync_id)
    if sync.status != PeopleSync.Status.APPLYING:
        return sync
    pending = (
        sync.rows.filter(applied=False, change__in=[Change.JOIN, Change.MOVE, Change.LEAVE])
        .select_related("unit", "job_profile", "user")
        .order_by("pk")
    )
    done = sync.rows.filter(applied=True).count()
    applied = {Change.JOIN: 0, Change.MOVE: 0, Change.LEAVE: 0}
    rows = list(pending)
    for start in range(0, len(rows), APPLY_BATCH):
        batch = rows[start : start + APPLY_BATCH]
        # One transaction per batch: its rows are applied and marked together, and the matrix
        # statuses of its people are refreshed once, set-based, before it commits.
        with transaction.atomic(), qualification_status_deferred():
            for row in batch:
                _apply_row(sync, row)
                applied[row.change] += 1
            PeopleSyncRow.objects.filter(pk__in=[row.pk for row in batch]).update(applied=True)
        done += len(batch)
        PeopleSync.objects.filter(pk=sync.pk).update(done=done)
    PeopleSync.objects.filter(pk=sync.pk).update(
        status=PeopleSync.Status.APPLIED, done=done, finished_at=timezone.now()
    )
    audit_record(
        actor=sync.requested_by,
        action=AuditEvent.Action.IMPORTED_PEOPLE,
        organisation=sync.organisation,
        detail={"sync": sync.pk, **{str(k): v for k, v in applied.items()}},
    )
    sync.refresh_from_db()
    return sync


def _apply_row(sync: PeopleSync, row: PeopleSyncRow) -> None:
    unit, by = sync.organisation, sync.requested_by
    if row.change == Change.LEAVE:
        roles = set(
            Membership.objects.filter(
                user=row.user_id, organisation__path__startswith=unit.path
            ).values_list("role", flat=True)
        )
        if roles == {Membership.Role.LEARNER}:  # not given a staff role since the check
            employment_end(user=row.user, unit=unit, by=by, source=Departure.Source.SYNC)
        return
    if row.unit is None:  # the unit was deleted since the check
        return
    # The check found every existing account (any spelling of the address) and linked it; a
    # joiner without one gets a new account (an exact-match lookup guards a race, by index).
    person = row.user or User.objects.filter(email=User.objects.normalize_email(row.email)).first()
    if person is None:
        person = User.objects.create_user(
            email=row.email, password=None, full_name=row.name, name_source=User.NameSource.HR
        )
        PeopleSyncRow.objects.filter(pk=row.pk).update(user=person)
        invitation_send(user=person, organisation=row.unit, by=by)  # mailed on commit
    elif person.full_name != row.name:
        person.full_name = row.name
        person.save(update_fields=["full_name"])
        name_set_from_source(user=person, name=row.name, source=User.NameSource.HR)
    current = list(Membership.objects.filter(user=person, organisation__path__startswith=unit.path))
    here = next((m for m in current if m.organisation_id == row.unit_id), None)
    source = here or (current[0] if current else None)
    role = source.role if source else Membership.Role.LEARNER
    if row.job_profile:
        profiles = [row.job_profile]
    else:
        profiles = list(source.job_profiles.all()) if source else []
    if source is not None and source.role != Membership.Role.LEARNER and here is None:
        return  # a staff member listed in another unit: their placement is HR's by hand
    if here is None or row.job_profile and set(here.job_profiles.all()) != set(profiles):
        membership_set(user=person, organisation=row.unit, role=role, job_profiles=profiles)
    for membership in current:
        if membership.organisation_id != row.unit_id and membership.role == Membership.Role.LEARNER:
            membership_remove(user=person, organisation=membership.organisation)
