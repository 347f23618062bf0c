"""CSV import of employees into units the HR user may see: check first, write on confirmation.

``employee_import_check`` only reads: it parses the file and gives every row either a German
error or the resolved unit and job profile. ``employee_import_apply`` writes the valid rows,
re-checking them, because the preview travels through the browser (as a signed token).
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..models import AuditEvent, JobProfile, Membership, Organisation, User
from ..selectors.hr.people import people_visible_to
from .accounts import membership_set
from .audit import audit_record
from .invitations import invitation_send

MAX_ROWS = 2000
NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
HEADERS = {
    "name": ("name", "full name", "vollständiger name"),
    "email": ("e-mail", "email", "e-mail-adresse", "e-mail address"),
    "unit": ("unit", "einheit", "organisationseinheit"),
    "job_profile": ("job profile", "stellenprofil", "job_profile"),
}


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    unit_name: str
    job_profile_name: str
    errors: list[str] = field(default_factory=list)
    unit: Organisation | None = None
    job_profile: JobProfile | None = None
    existing: bool = False

    def as_data(self) -> dict:
        return {
            "line": self.line,
            "name": self.name,
            "email": self.email,
            "unit_name": self.unit_name,
            "job_profile_name": self.job_profile_name,
        }


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file could not be read: please save it as UTF-8 CSV."))


def employee_import_parse(raw: bytes) -> list[dict]:
    """Rows of the CSV file (semicolon or comma separated, header row required) as dicts."""
    text = _decode(raw)
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=";,").delimiter
    except csv.Error:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [column.strip().lower() for column in next(reader, [])]
    positions = {}
    for key, names in HEADERS.items():
        found = [index for index, column in enumerate(header) if column in names]
        if not found:
            raise ValidationError(
                _("The header row needs the columns Name, E-Mail, Einheit and Stellenprofil.")
            )
        positions[key] = found[0]
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)s rows; please split it.") % {"max": MAX_ROWS}
            )
        cell = {
            key: (values[index].strip() if index < len(values) else "")
            for key, index in positions.items()
        }
        rows.append(
            {
                "line": line,
                "name": cell["name"],
                "email": cell["email"],
                "unit_name": cell["unit"],
                "job_profile_name": cell["job_profile"],
            }
        )
    return rows


def employee_import_check(
    *, data: list[dict], unit: Organisation, hr_user: User
) -> list[ImportRow]:
    """Resolve and validate rows (no writes). ``unit`` must already be in ``hr_user``'s scope;
    row units must lie in its subtree (empty: ``unit`` itself)."""
    units = {u.name.casefold(): u for u in Organisation.objects.filter(path__startswith=unit.path)}
    profiles = {p.name.casefold(): p for p in JobProfile.objects.all()}
    emails = {item["email"].casefold() for item in data if item["email"]}
    existing = {
        u.email.casefold(): u
        for u in User.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=[email.lower() for email in emails]
        )
    }
    visible = set(
        people_visible_to(hr_user)
        .filter(pk__in=[u.pk for u in existing.values()])
        .values_list("pk", flat=True)
    )
    seen: set[str] = set()
    rows = []
    for item in data:
        row = ImportRow(**item)
        if not row.name:
            row.errors.append(_("The name is missing."))
        elif len(row.name) > NAME_MAX_LENGTH:
            row.errors.append(
                _("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH}
            )
        try:
            validate_email(row.email)
            if len(row.email) > EMAIL_MAX_LENGTH:
                raise ValidationError("too long")
        except ValidationError:
            row.errors.append(
                _("“%(email)s” is not a valid e-mail address.") % {"email": row.email}
            )
        key = row.email.casefold()
        if key and key in seen:
            row.errors.append(_("This e-mail address appears more than once in the file."))
        seen.add(key)
        row.unit = units.get(row.unit_name.casefold()) if row.unit_name else unit
        if row.unit is None:
            row.errors.append(
                _("Unknown unit “%(unit)s”: it must be %(scope)s or one of its sub-units.")
                % {"unit": row.unit_name, "scope": unit.name}
            )
        if row.job_profile_name:
            row.job_profile = profiles.get(row.job_profile_name.casefold())
            if row.job_profile is None:
                row.errors.append(
                    _("Unknown job profile “%(profile)s”.") % {"profile": row.job_profile_name}
                )
        person = existing.get(key)
        if person is not None:
            row.existing = True
            if person.pk not in visible:
                row.errors.append(
                    _("This e-mail address belongs to a person outside your organisation.")
                )
        rows.append(row)
    return rows


@transaction.atomic
def employee_import_apply(
    *, data: list[dict], unit: Organisation, hr_user: User
) -> tuple[int, int]:
    """Create or update the people of the rows that pass the check; returns (created, updated).

    New people get no usable password (they set one via "forgot password"); existing people keep
    their name, role and other job profiles: the import only adds the membership and profile.
    """
    created = updated = 0
    for row in employee_import_check(data=data, unit=unit, hr_user=hr_user):
        if row.errors:
            continue
        person = User.objects.filter(email__iexact=row.email).first()
        if person is None:
            person = User.objects.create_user(
                email=row.email,
                password=None,
                full_name=row.name,
                name_source=User.NameSource.HR,  # the HR record: the certificate name
            )
            created += 1
            invitation_send(user=person, organisation=row.unit, by=hr_user)  # mailed on commit
        else:
            updated += 1
        membership = Membership.objects.filter(user=person, organisation=row.unit).first()
        role = membership.role if membership else Membership.Role.LEARNER
        profiles = set(membership.job_profiles.all()) if membership else set()
        if row.job_profile:
            profiles.add(row.job_profile)
        membership_set(user=person, organisation=row.unit, role=role, job_profiles=profiles)
    audit_record(
        actor=hr_user,
        action=AuditEvent.Action.IMPORTED_PEOPLE,
        organisation=unit,
        detail={"created": created, "updated": updated},
    )
    return created, updated
