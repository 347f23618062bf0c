"""Writes of the directory: a person opts in, edits their entry or removes it."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms.models import Organisation, User

from ..models import MunicipalityFacts, Profile, Topic


def _facts_for(organisation: Organisation | None) -> MunicipalityFacts | None:
    """The facts of the nearest municipality or district at or above ``organisation``."""
    if organisation is None:
        return None
    prefixes = [organisation.path[:i] for i in range(4, len(organisation.path) + 1, 4)]
    return (
        MunicipalityFacts.objects.filter(organisation__path__in=prefixes)
        .order_by("-organisation__depth")
        .first()
    )


@transaction.atomic
def profile_save(
    *,
    user: User,
    organisation: Organisation | None,
    topics: Iterable[Topic] = (),
    **fields,
) -> Profile:
    """Create or update ``user``'s directory entry; Land and size class follow the organisation.

    Only an organisation the person belongs to (or one above it) may be named.
    """
    if organisation is not None:
        own_paths = user.memberships.values_list("organisation__path", flat=True)
        if not any(path.startswith(organisation.path) for path in own_paths):
            raise ValidationError({"organisation": _("You are not a member of this organisation.")})
    profile, _created = Profile.objects.get_or_create(user=user)
    for name, value in fields.items():
        if name not in {f.name for f in Profile._meta.get_fields()} or name in {"user", "id"}:
            raise TypeError(f"Unknown profile field: {name}")
        setattr(profile, name, value)
    profile.organisation = organisation
    facts = _facts_for(organisation)
    profile.land = facts.land if facts else ""
    profile.size_class = facts.size_class if facts else ""
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.topics.set(topics)
    return profile


@transaction.atomic
def profile_delete(*, user: User) -> None:
    """Leave the directory: the entry is deleted, not just hidden."""
    Profile.objects.filter(user=user).delete()


@transaction.atomic
def municipality_facts_set(
    *, organisation: Organisation, population: int, land: str, size_class: str = ""
) -> MunicipalityFacts:
    """Record population and Land of a municipality (size class from the population)."""
    from ..models import SizeClass

    facts, _created = MunicipalityFacts.objects.update_or_create(
        organisation=organisation,
        defaults={
            "population": population,
            "land": land,
            "size_class": size_class or SizeClass.for_population(population),
        },
    )
    return facts
