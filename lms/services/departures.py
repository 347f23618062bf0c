"""Ending an employment, and coming back.

``employment_end`` is the one way people leave, whoever ends it (HR by hand, an HR sync, a
directory through SCIM): the memberships in the unit end (so the person leaves the matrix and its
counts, and loses any role there), open assigned courses are withdrawn, and when no membership is
left anywhere, sign-in is switched off and open invitations are withdrawn. Enrolments, progress
and certificates stay: they belong to the person. A ``Departure`` row records it for HR's list of
former staff and for the organisation's retention period, after which the beat task erases the
person like a deletion request (``former_staff_due``).

``employment_resume`` runs whenever someone gets a membership again: their open departures close
and, if leaving had switched their sign-in off, it is on again, with their history.
"""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Departure, Enrolment, Invitation, Membership, Organisation, User
from .accounts import membership_remove
from .qualification_status import qualification_status_refresh


class EmploymentError(Exception):
    pass


@transaction.atomic
def employment_end(
    *,
    user: User,
    unit: Organisation,
    by: User | None = None,
    source: str = Departure.Source.HR,
    left_on: date | None = None,
) -> Departure:
    """End the person's employment in ``unit`` and its sub-units (audited with ``by``)."""
    memberships = list(
        Membership.objects.filter(user=user, organisation__path__startswith=unit.path)
        .select_related("organisation")
        .order_by("organisation__depth")
    )
    if not memberships:
        raise EmploymentError("the person has no membership in this unit")
    departure = Departure.objects.create(
        user=user,
        organisation=memberships[-1].organisation,  # the unit they worked in
        left_on=left_on or timezone.localdate(),
        source=source,
        ended_by=by,
    )
    for membership in memberships:
        membership_remove(user=user, organisation=membership.organisation, by=by)
    if not Membership.objects.filter(user=user).exists():
        withdrawn = Enrolment.objects.filter(
            user=user, source=Enrolment.Source.ASSIGNED, status=Enrolment.Status.ACTIVE
        ).update(status=Enrolment.Status.WITHDRAWN)
        Invitation.objects.filter(user=user, accepted_at__isnull=True).delete()
        if user.is_active:
            user.is_active = False  # every session ends with its next request (ModelBackend)
            user.save(update_fields=["is_active"])
        if withdrawn:
            qualification_status_refresh(user_ids=[user.pk])
    return departure


@transaction.atomic
def employment_resume(*, user: User) -> int:
    """The person has a membership again: close their open departures; if leaving switched
    their sign-in off, switch it on. Returns the number of departures closed."""
    closed = Departure.objects.filter(user=user, returned_at__isnull=True).update(
        returned_at=timezone.now()
    )
    if closed and not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return closed


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def erase_on(departure: Departure) -> date | None:
    """When the person's records go, by their organisation's retention (None: kept)."""
    years = departure.organisation.leaver_retention_years
    return _years_later(departure.left_on, years) if years else None


def former_staff_due(today: date | None = None) -> list[User]:
    """Former staff whose retention period has ended in every unit they left, who have no
    membership and hold no staff role: due for erasure."""
    today = today or timezone.localdate()
    open_departures = (
        Departure.objects.filter(returned_at__isnull=True, user__memberships__isnull=True)
        .filter(Q(user__is_staff=False) & Q(user__is_superuser=False))
        .select_related("organisation", "user")
    )
    verdict: dict[int, bool] = {}
    people: dict[int, User] = {}
    for departure in open_departures.iterator():
        due = erase_on(departure)
        ok = due is not None and due <= today
        verdict[departure.user_id] = verdict.get(departure.user_id, True) and ok
        people[departure.user_id] = departure.user
    return [people[pk] for pk, ok in verdict.items() if ok]
