"""Write operations of the learning core. Views and tasks call these; they do not write models.

Object permissions are derived from memberships: ``membership_set`` and ``membership_remove``
keep the guardian rows in step, in the same transaction, so a removed HR user loses access at once.
"""

from collections.abc import Iterable

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from ..models import (
    AuditEvent,
    JobProfile,
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    User,
)
from .audit import audit_record
from .qualification_status import qualification_status_refresh


def _sync_role_permissions(*, user: User, organisation: Organisation, role: str | None) -> None:
    """Grant exactly the permissions of ``role`` on ``organisation`` (none for ``None``)."""
    wanted = set(Membership.ROLE_PERMISSIONS.get(role, ())) if role else set()
    all_role_perms = {perm for perms in Membership.ROLE_PERMISSIONS.values() for perm in perms}
    held = set(  # one query: most people (employees) hold none, and then nothing is written
        OrganisationUserObjectPermission.objects.filter(
            user=user, content_object=organisation
        ).values_list("permission__codename", flat=True)
    )
    for perm in sorted(wanted - held):
        assign_perm(f"lms.{perm}", user, organisation)
    for perm in sorted((all_role_perms & held) - wanted):
        remove_perm(f"lms.{perm}", user, organisation)


@transaction.atomic
def membership_set(
    *,
    user: User,
    organisation: Organisation,
    role: str = Membership.Role.LEARNER,
    job_profiles: Iterable[JobProfile] = (),
    by: User | None = None,
) -> Membership:
    """Create or update a person's membership and align their object permissions with the role.

    With ``by`` (a person changing someone's role in the admin) the change is audited; imports
    and seeds record their own events."""
    if role not in Membership.Role.values:
        raise ValueError(f"Unknown role: {role}")
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    membership.job_profiles.set(job_profiles)
    _sync_role_permissions(user=user, organisation=organisation, role=role)
    if _created:
        from .departures import employment_resume  # departures builds on accounts

        employment_resume(user=user)
    from .hr import assignments_apply_to_member  # hr builds on accounts; import at call time

    assignments_apply_to_member(membership=membership)
    qualification_status_refresh(user_ids=[user.pk])  # job profiles and assignments changed
    if by is not None:
        audit_record(
            actor=by,
            action=AuditEvent.Action.MEMBERSHIP_CHANGED,
            organisation=organisation,
            subject=user,
            detail={"role": role},
        )
    return membership


@transaction.atomic
def membership_remove(*, user: User, organisation: Organisation, by: User | None = None) -> None:
    """End a membership and withdraw every object permission it carried (audited with ``by``)."""
    if by is not None:
        audit_record(
            actor=by,
            action=AuditEvent.Action.MEMBERSHIP_ENDED,
            organisation=organisation,
            subject=user,
        )
    Membership.objects.filter(user=user, organisation=organisation).delete()
    _sync_role_permissions(user=user, organisation=organisation, role=None)
    qualification_status_refresh(user_ids=[user.pk])  # their job profiles no longer require


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, preferred_language: str) -> User:
    """Change the name and language a person sees and is addressed by. A new name becomes a
    request for the name on certificates, which HR of the person's organisation confirms."""
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "preferred_language"])
    from .names import name_change_request  # names builds on accounts: import at call time

    name_change_request(user=user, requested_name=user.full_name)
    return user


@transaction.atomic
def organisation_ensure(
    *, name: str, kind: str, ags: str = "", parent: Organisation | None = None
) -> Organisation:
    """Return the organisation with this name (or AGS) under ``parent``, creating it if missing.

    Idempotent, so ``seed_demo`` and imports can run any number of times.
    """
    if ags:
        existing = Organisation.objects.filter(ags=ags).first()
    else:
        siblings = parent.get_children() if parent else Organisation.get_root_nodes()
        existing = siblings.filter(name=name, kind=kind).first()
    if existing:
        return existing
    organisation = Organisation(name=name, kind=kind, ags=ags)
    organisation.full_clean(exclude=["path", "depth", "numchild"])
    if parent is not None and parent.kind not in Organisation.ALLOWED_PARENTS[kind]:
        raise ValueError(f"{kind} cannot be placed below {parent.kind}")
    if parent is None:
        return Organisation.add_root(instance=organisation)
    # treebeard keeps a child count on the parent; reload it so sorted inserts see fresh paths.
    parent.refresh_from_db()
    return parent.add_child(instance=organisation)
