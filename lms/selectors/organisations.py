"""Read queries shared by views: above all, which organisations a user may see.

Every HR and organisation-admin view scopes its data with ``organisations_visible_to``; no view
looks up an organisation, person or record of another body by id without it.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr

from ..models import Membership, Organisation, OrganisationUserObjectPermission, User


def organisations_visible_to(user: User, *, perm: str = "view_hr_records") -> QuerySet:
    """Organisations on which ``user`` holds ``perm``, directly or through an ancestor.

    One SQL query: an organisation is visible when some ancestor-or-self (a node whose
    materialised path is a prefix of its own) carries the object permission for this user.
    Only object permissions count: a global model permission never widens the scope.
    Superusers (platform operators) see every organisation.
    """
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    granted_ancestors = OrganisationUserObjectPermission.objects.filter(
        user=user,
        permission__codename=perm,
        permission__content_type__app_label="lms",
        content_object__path=Substr(OuterRef("path"), 1, Length("content_object__path")),
    )
    return Organisation.objects.filter(Exists(granted_ancestors))


def organisation_subtree(organisation: Organisation) -> QuerySet:
    """The organisation and all of its sub-units."""
    return Organisation.objects.filter(path__startswith=organisation.path)


def memberships_of(user: User) -> QuerySet:
    """A user's memberships with their organisations, for the profile page."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .prefetch_related("job_profiles")
        .order_by("organisation__path")
    )


# Who is a person's HR contact: one rule for every reminder, digest and expiry mail.
HR_CONTACT_ROLES = (Membership.Role.HR, Membership.Role.ORG_ADMIN)


def unit_paths_of(user: User) -> set[str]:
    """Tree paths of the organisations ``user`` belongs to and of all their ancestors (one
    query): who is responsible for the person, and whose exports may list them."""
    paths = Organisation.objects.filter(memberships__user=user).values_list("path", flat=True)
    steplen = Organisation.steplen
    return {path[:end] for path in paths for end in range(steplen, len(path) + 1, steplen)}


def hr_contacts_of(user: User) -> list[User]:
    """Active HR staff and organisation admins of any unit the person belongs to or of a unit
    above it (the same people who get the weekly HR digest for that unit)."""
    prefixes = unit_paths_of(user)
    if not prefixes:
        return []
    return list(
        User.objects.filter(
            memberships__role__in=HR_CONTACT_ROLES,
            memberships__organisation__path__in=prefixes,
            is_active=True,
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("pk")
    )
