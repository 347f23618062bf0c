"""What a directory's SCIM requests change on the platform (``lms.scim`` answers the HTTP).

A directory is an authoritative source like the HR record: the name it sends is the name on
certificates. Creating a person makes an account and an employee membership in the token's unit
(or the unit a mapped group names) and sends the invitation, if the organisation sends them;
``active: false`` and DELETE end the employment like HR does (``employment_end``: records and
certificates stay); ``active: true`` brings a person back with their history. Every change is
audited under the token's unit. Refusals are ``scim2-models`` exceptions, rendered as RFC 7644
error bodies by the view, and nothing is written then (one transaction per request).
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import (
    Context,
    Group,
    InvalidValueException,
    UniquenessException,
    User,
)

from ..models import (
    AuditEvent,
    Departure,
    Membership,
    Organisation,
    ScimAccount,
    ScimGroup,
    ScimToken,
)
from ..models import User as Person
from ..scim.scope import people_in_scope, token_digest
from .audit import audit_record
from .departures import employment_end
from .invitations import invitation_send
from .names import name_set_from_source
from .placement import DirectoryPlacement, directory_placement_apply

TOKEN_BYTES = 32


@dataclass
class NewToken:
    token: ScimToken
    secret: str  # shown once; only its digest is stored


@transaction.atomic
def scim_token_create(*, organisation: Organisation, name: str, by: Person) -> NewToken:
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    token = ScimToken.objects.create(
        organisation=organisation,
        name=name.strip()[:120],
        token_digest=token_digest(secret),
        hint=secret[:6],
        created_by=by,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.DIRECTORY_TOKEN,
        organisation=organisation,
        detail={"token": token.name, "change": "created"},
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def scim_token_revoke(*, token: ScimToken, by: Person) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.DIRECTORY_TOKEN,
            organisation=token.organisation,
            detail={"token": token.name, "change": "revoked"},
        )


def _audit(token: ScimToken, person: Person, change: str) -> None:
    audit_record(
        actor=None,
        action=AuditEvent.Action.DIRECTORY_CHANGED,
        organisation=token.organisation,
        subject=person,
        detail={"token": token.name, "change": change},
    )


def _primary_address(data: User) -> str:
    emails = data.emails or []
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    address = (primary.value if primary else "") or ""
    if not address and "@" in (data.user_name or ""):
        address = data.user_name
    address = address.strip().lower()
    if "@" not in address:
        raise InvalidValueException(detail=_("An e-mail address is required."))
    return address


def _full_name(data: User) -> str:
    name = (data.display_name or "").strip()
    if not name and data.name:
        name = (data.name.formatted or "").strip() or " ".join(
            part for part in (data.name.given_name, data.name.family_name) if part
        ).strip()
    return name[:200]


def _returning(root: Organisation, address: str) -> Person | None:
    """A former employee of this unit coming back: matched again, with their history."""
    return (
        Person.objects.filter(
            email__iexact=address,
            departures__organisation__path__startswith=root.path,
            departures__returned_at__isnull=True,
        )
        .exclude(memberships__isnull=False)
        .first()
    )


def _check_unique(root: Organisation, person: Person | None, data: User, address: str) -> None:
    taken = ScimAccount.objects.filter(organisation=root, user_name__iexact=data.user_name)
    if person is not None:
        taken = taken.exclude(user=person)
    unmatched = people_in_scope(root).filter(email__iexact=data.user_name)
    unmatched = unmatched.exclude(scim_accounts__organisation=root)
    if person is not None:
        unmatched = unmatched.exclude(pk=person.pk)
    if taken.exists() or unmatched.exists():
        raise UniquenessException(detail=_("This userName is already in use."))
    clash = Person.objects.filter(email__iexact=address)
    if person is not None:
        clash = clash.exclude(pk=person.pk)
    if clash.exists():
        raise UniquenessException(detail=_("This e-mail address is already in use."))


def _placement(root: Organisation, person: Person) -> DirectoryPlacement:
    """The unit and job profiles the person's mapped directory groups give (else the unit they
    work in, or last worked in, within the scope, else the token's unit)."""
    groups = list(
        ScimGroup.objects.filter(organisation=root, members=person).select_related("unit")
    )
    units = [g.unit for g in groups if g.unit and g.unit.path.startswith(root.path)]
    unit = max(units, key=lambda u: u.depth) if units else None
    if unit is None:
        current = (
            Membership.objects.filter(user=person, organisation__path__startswith=root.path)
            .select_related("organisation")
            .order_by("-organisation__depth")
            .first()
        )
        left = (
            Departure.objects.filter(
                user=person, organisation__path__startswith=root.path, returned_at__isnull=True
            )
            .select_related("organisation")
            .first()  # the latest (Departure is ordered by -left_on)
        )
        unit = current.organisation if current else (left.organisation if left else root)
    maps_profiles = ScimGroup.objects.filter(organisation=root, job_profile__isnull=False).exists()
    profiles = {g.job_profile_id for g in groups if g.job_profile_id} if maps_profiles else None
    return DirectoryPlacement(unit=unit, job_profile_ids=profiles)


def _set_active(token: ScimToken, person: Person, active: bool, *, new: bool) -> None:
    root = token.organisation
    works_here = Membership.objects.filter(
        user=person, organisation__path__startswith=root.path
    ).exists()
    if active:
        if not person.is_active:
            person.is_active = True
            person.save(update_fields=["is_active"])
        directory_placement_apply(
            user=person, placement=_placement(root, person), organisations=[root]
        )
        if not works_here and not new:
            _audit(token, person, "activated")
    elif works_here:
        employment_end(user=person, unit=root, source=Departure.Source.SCIM)
        _audit(token, person, "deactivated")
    elif new and person.is_active and not person.memberships.exists():
        person.is_active = False
        person.save(update_fields=["is_active"])


def _stored_attributes(data: User) -> dict:
    dumped = data.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return {key: dumped[key] for key in ("name", "displayName", "emails") if key in dumped}


@transaction.atomic
def scim_user_write(*, token: ScimToken, person: Person | None, data: User) -> Person:
    """Create (``person`` None) or replace a person from a directory's User resource."""
    root = token.organisation
    address = _primary_address(data)
    new = person is None
    if new:
        person = _returning(root, address)
        new = person is None
    _check_unique(root, person, data, address)
    full_name = _full_name(data)
    if new:
        person = Person.objects.create_user(
            email=address,
            password=None,
            full_name=full_name or address.split("@")[0],
            name_source=Person.NameSource.HR,
        )
    else:
        changed = []
        if person.email.lower() != address:
            person.email = address
            changed.append("email")
        if full_name and person.full_name != full_name:
            person.full_name = full_name
            changed.append("full_name")
        if changed:
            person.save(update_fields=changed)
    if full_name:
        name_set_from_source(user=person, name=full_name, source=Person.NameSource.HR)
    ScimAccount.objects.update_or_create(
        organisation=root,
        user=person,
        defaults={
            "user_name": data.user_name,
            "external_id": data.external_id or "",
            "attributes": _stored_attributes(data),
        },
    )
    _set_active(token, person, data.active is not False, new=new)
    if new:
        _audit(token, person, "created")
        membership = (
            Membership.objects.filter(user=person, organisation__path__startswith=root.path)
            .select_related("organisation")
            .first()
        )
        if membership is not None:
            invitation_send(user=person, organisation=membership.organisation, by=None)
    else:
        _audit(token, person, "updated")
    return person


@transaction.atomic
def scim_user_delete(*, token: ScimToken, person: Person) -> None:
    """The directory deletes the person: their employment here ends (records and certificates
    stay, like for every leaver) and the directory no longer sees them."""
    root = token.organisation
    if Membership.objects.filter(user=person, organisation__path__startswith=root.path).exists():
        employment_end(user=person, unit=root, source=Departure.Source.SCIM)
    ScimAccount.objects.filter(organisation=root, user=person).delete()
    ScimGroup.members.through.objects.filter(scimgroup__organisation=root, user=person).delete()
    _audit(token, person, "deleted")


def _members(root: Organisation, data: Group) -> set[int]:
    wanted = set()
    for member in data.members or []:
        if member.type not in (None, "User") or not str(member.value or "").isdigit():
            raise InvalidValueException(detail=_("Only people can be members of a group."))
        wanted.add(int(member.value))
    found = set(people_in_scope(root).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise InvalidValueException(
            detail=_("A member is not a person of this organisation: %(ids)s")
            % {"ids": ", ".join(str(pk) for pk in sorted(wanted - found))}
        )
    return found


def _replace_members(token: ScimToken, group: ScimGroup, members: set[int]) -> None:
    before = set(group.members.values_list("pk", flat=True))
    if before == members:
        return
    group.members.set(members)
    if group.unit_id or group.job_profile_id:  # the group places people: they move
        root = token.organisation
        for person in people_in_scope(root).filter(pk__in=before ^ members, is_active=True):
            if Membership.objects.filter(
                user=person, organisation__path__startswith=root.path
            ).exists():
                directory_placement_apply(
                    user=person, placement=_placement(root, person), organisations=[root]
                )


@transaction.atomic
def scim_group_write(*, token: ScimToken, group: ScimGroup | None, data: Group) -> ScimGroup:
    root = token.organisation
    name = (data.display_name or "").strip()[:200]
    taken = ScimGroup.objects.filter(organisation=root, display_name__iexact=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise UniquenessException(detail=_("A group with this name exists already."))
    members = _members(root, data)
    if group is None:
        group = ScimGroup(organisation=root)
    group.display_name = name
    group.external_id = data.external_id or ""
    group.save()
    _replace_members(token, group, members)
    return group


@transaction.atomic
def scim_group_delete(*, token: ScimToken, group: ScimGroup) -> None:
    _replace_members(token, group, set())
    group.delete()


@transaction.atomic
def scim_group_placement_set(*, group: ScimGroup, unit, job_profile) -> None:
    """An org admin says where the members of a directory group work; they move now."""
    if unit is not None and not unit.path.startswith(group.organisation.path):
        raise ValueError("the unit is outside the group's organisation")
    group.unit, group.job_profile = unit, job_profile
    group.save(update_fields=["unit", "job_profile", "updated_at"])
    root = group.organisation
    for person in group.members.filter(is_active=True):
        if Membership.objects.filter(
            user=person, organisation__path__startswith=root.path
        ).exists():
            directory_placement_apply(
                user=person, placement=_placement(root, person), organisations=[root]
            )
