"""Placing a person where their directory says they work (SSO claims or SCIM groups).

The directory is the source of the unit and the job profiles of an employee: their employee
membership within the directory's organisations follows it. Roles given on the platform by
hand (HR, org admin, trainer) are kept unless the directory names a role.
"""

from dataclasses import dataclass

from ..models import JobProfile, Membership, Organisation, User
from .accounts import membership_remove, membership_set


@dataclass
class DirectoryPlacement:
    unit: Organisation | None
    job_profile_ids: set[int] | None  # None: the directory maps no job profiles, keep ours
    role: str = ""


def within(unit: Organisation, organisations: list[Organisation]) -> bool:
    return any(unit.path.startswith(org.path) for org in organisations)


def directory_placement_apply(
    *, user: User, placement: DirectoryPlacement, organisations: list[Organisation]
) -> None:
    """Move the person's employee membership to ``placement`` (nothing when already there) and
    end their other employee memberships within ``organisations``."""
    if placement.unit is None:
        return
    current = [
        m
        for m in Membership.objects.filter(user=user).select_related("organisation")
        if within(m.organisation, organisations)
    ]
    here = next((m for m in current if m.organisation_id == placement.unit.pk), None)
    role = placement.role or (here.role if here else Membership.Role.LEARNER)
    profiles = placement.job_profile_ids
    if profiles is None:
        profiles = set(here.job_profiles.values_list("pk", flat=True)) if here else set()
    unchanged = (
        here is not None
        and here.role == role
        and set(here.job_profiles.values_list("pk", flat=True)) == profiles
    )
    if not unchanged:
        membership_set(
            user=user,
            organisation=placement.unit,
            role=role,
            job_profiles=JobProfile.objects.filter(pk__in=profiles),
        )
    for membership in current:
        if (
            membership.pk != getattr(here, "pk", None)
            and membership.role == Membership.Role.LEARNER
        ):
            membership_remove(user=user, organisation=membership.organisation)
