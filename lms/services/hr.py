"""HR writes: assigning mandatory courses and keeping assignments applied to newcomers.

Callers check the HR scope first (``lms.selectors.organisations_visible_to``); these services
trust the organisation they are given.
"""

import functools
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Length, Substr
from django.utils import timezone

from courses.models import CoursePage

from .. import xapi
from ..models import (
    Assignment,
    AuditEvent,
    Enrolment,
    JobProfile,
    Membership,
    Organisation,
    User,
)
from .audit import audit_record
from .learning import statement_record
from .qualification_status import qualification_status_refresh

NEWCOMER_DAYS = 30  # a fixed due date already near or past when someone joins: their own period


def _due_date_for(assignment: Assignment, membership: Membership):
    """Relative due dates count from the day the person joined the unit. Someone who joins after
    the assignment was made gets at least ``NEWCOMER_DAYS`` from their first day, so nobody
    imported after a fixed due date is overdue on day one."""
    if assignment.due_date:
        assigned_on = timezone.localdate(assignment.created_at)
        if membership.joined_on > assigned_on:
            return max(assignment.due_date, membership.joined_on + timedelta(days=NEWCOMER_DAYS))
        return assignment.due_date
    return membership.joined_on + timedelta(days=assignment.due_days_after_joining)


@transaction.atomic
def enrolment_assign(
    *, user: User, course: CoursePage, due_date, assignment: Assignment | None = None
) -> Enrolment | None:
    """Make sure ``user`` is enrolled in ``course`` with at most ``due_date``.

    An active enrolment keeps its progress and gets the earlier due date; a completed one is
    left alone (it already counts); a withdrawn one is reactivated as assigned.
    """
    enrolment = _enrolment_assign(
        user=user, course=course, due_date=due_date, assignment=assignment
    )
    qualification_status_refresh(user_ids=[user.pk], course_ids=[course.pk])
    return enrolment


def _enrolment_assign(*, user, course, due_date, assignment) -> Enrolment:
    """``enrolment_assign`` without refreshing the stored status (callers refresh a whole
    set of people at once)."""
    enrolment = Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            user=user,
            course=course,
            source=Enrolment.Source.ASSIGNED,
            due_date=due_date,
            assignment=assignment,
        )
        statement_record(
            enrolment=enrolment,
            verb="registered",
            page=course,
            extensions={xapi.extension_iri("assigned"): True},
        )
        return enrolment
    if enrolment.status == Enrolment.Status.COMPLETED:
        return enrolment
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.source = Enrolment.Source.ASSIGNED
    enrolment.assignment = assignment or enrolment.assignment
    if due_date and (enrolment.due_date is None or due_date < enrolment.due_date):
        enrolment.due_date = due_date
    enrolment.save(update_fields=["status", "source", "assignment", "due_date"])
    return enrolment


def _targets(assignment: Assignment):
    memberships = Membership.objects.filter(
        organisation__path__startswith=assignment.organisation.path
    ).select_related("user")
    if assignment.job_profile_id:
        memberships = memberships.filter(job_profiles=assignment.job_profile_id)
    user_ids = list(assignment.users.values_list("pk", flat=True))
    if user_ids:
        memberships = memberships.filter(user_id__in=user_ids)
    return memberships.distinct()


@transaction.atomic
def assignment_apply(*, assignment: Assignment) -> int:
    """Assign the course to everyone the assignment targets now; returns how many people."""
    user_ids = set()
    for membership in _targets(assignment):
        _enrolment_assign(
            user=membership.user,
            course=assignment.course,
            due_date=_due_date_for(assignment, membership),
            assignment=assignment,
        )
        user_ids.add(membership.user_id)
    qualification_status_refresh(user_ids=user_ids, course_ids=[assignment.course_id])
    return len(user_ids)


@transaction.atomic
def assignment_create(
    *,
    created_by: User,
    organisation: Organisation,
    course: CoursePage,
    job_profile: JobProfile | None = None,
    users: Iterable[User] = (),
    due_date=None,
    due_days_after_joining: int | None = None,
    recurrence_months: int | None = None,
) -> Assignment:
    """Create an assignment (validated) and apply it to the people it targets."""
    assignment = Assignment(
        organisation=organisation,
        course=course,
        job_profile=job_profile,
        due_date=due_date,
        due_days_after_joining=due_days_after_joining,
        recurrence_months=recurrence_months,
        created_by=created_by,
    )
    assignment.full_clean()
    assignment.save()
    assignment.users.set(users)
    enrolled = assignment_apply(assignment=assignment)
    from ..tasks import assigned_mails_send_task  # tasks import services: at call time

    transaction.on_commit(functools.partial(assigned_mails_send_task.delay, assignment.pk))
    audit_record(
        actor=created_by,
        action=AuditEvent.Action.ASSIGNED,
        organisation=organisation,
        detail={
            "assignment": assignment.pk,
            "course": course.title,
            "job_profile": job_profile.name if job_profile else None,
            "people": len(assignment.users.all()),
            "due_date": due_date.isoformat() if due_date else None,
            "enrolled": enrolled,
        },
    )
    return assignment


def assignments_apply_to_member(
    *, membership: Membership, organisation_ids: Iterable[int] | None = None
) -> int:
    """Apply every assignment of the member's unit or its ancestors (only of
    ``organisation_ids`` when given) that fits them: people who join later get the mandatory
    courses automatically. The caller refreshes the member's stored statuses."""
    profile_ids = set(membership.job_profiles.values_list("pk", flat=True))
    assignments = Assignment.objects.filter(
        cancelled_at__isnull=True,
        organisation__path=Substr(
            # ancestor-or-self: the assignment's unit path is a prefix of the member's unit path
            Value(membership.organisation.path),
            1,
            Length("organisation__path"),
        ),
    ).select_related("course", "organisation")
    if organisation_ids is not None:
        assignments = assignments.filter(organisation_id__in=list(organisation_ids))
    count = 0
    for assignment in assignments:
        if assignment.job_profile_id and assignment.job_profile_id not in profile_ids:
            continue
        if (
            assignment.users.exists()
            and not assignment.users.filter(pk=membership.user_id).exists()
        ):
            continue
        _enrolment_assign(
            user=membership.user,
            course=assignment.course,
            due_date=_due_date_for(assignment, membership),
            assignment=assignment,
        )
        count += 1
    return count


@transaction.atomic
def unit_members_rejoin(*, unit_ids: Iterable[int], newly_above: Iterable[int]) -> int:
    """Units moved in the tree: their people now belong to the units ``newly_above`` them as
    well. Apply those units' assignments to them as to newcomers (already assigned courses
    keep their enrolment; the earlier due date wins) and refresh their matrix rows and units.
    Returns the number of people."""
    memberships = Membership.objects.filter(organisation_id__in=list(unit_ids)).select_related(
        "organisation", "user"
    )
    user_ids = set()
    newly_above = list(newly_above)
    for membership in memberships:
        assignments_apply_to_member(membership=membership, organisation_ids=newly_above)
        user_ids.add(membership.user_id)
    qualification_status_refresh(user_ids=user_ids)
    return len(user_ids)
