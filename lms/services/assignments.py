"""The lifecycle of an assignment after it was made: change its due date or rule, or cancel it.

A change recomputes the due date of everyone the assignment enrolled who has not completed the
course yet (``assignment_due_preview`` shows first who would be overdue at once); completed
enrolments keep their dates. Cancelling ends the open enrolments that came only from this
assignment (progress is kept; they are no longer required) and stops assigning newcomers;
completed enrolments stay. Both are audited.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Assignment, AuditEvent, Enrolment, Membership, User
from .audit import audit_record
from .hr import _due_date_for
from .qualification_status import qualification_status_refresh


def _open_enrolments(assignment: Assignment):
    return Enrolment.objects.filter(assignment=assignment, status=Enrolment.Status.ACTIVE)


def _new_due_dates(assignment: Assignment, due_date, days) -> dict[int, date]:
    """user id → the due date the changed rule gives them (for open enrolments)."""
    changed = Assignment(
        organisation=assignment.organisation,
        course=assignment.course,
        due_date=due_date,
        due_days_after_joining=days,
        created_at=assignment.created_at,
    )
    user_ids = list(_open_enrolments(assignment).values_list("user_id", flat=True))
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            user_id__in=user_ids, organisation__path__startswith=assignment.organisation.path
        ).order_by("joined_on")
    }
    return {
        user_id: _due_date_for(changed, memberships[user_id])
        for user_id in user_ids
        if user_id in memberships
    }


def assignment_due_preview(
    *, assignment: Assignment, due_date=None, due_days_after_joining=None
) -> list[tuple[User, date]]:
    """The people (not done yet) who would be overdue at once under the changed rule."""
    today = timezone.localdate()
    dates = _new_due_dates(assignment, due_date, due_days_after_joining)
    overdue = {user_id: due for user_id, due in dates.items() if due < today}
    people = User.objects.filter(pk__in=overdue).order_by("full_name")
    return [(person, overdue[person.pk]) for person in people]


@transaction.atomic
def assignment_change(
    *, assignment: Assignment, by: User, due_date=None, due_days_after_joining=None
) -> int:
    """Set the new rule and recompute open enrolments' due dates; returns how many changed."""
    if assignment.cancelled_at:
        raise ValidationError("the assignment is cancelled")
    assignment.due_date = due_date
    assignment.due_days_after_joining = due_days_after_joining
    assignment.full_clean()
    assignment.save(update_fields=["due_date", "due_days_after_joining"])
    changed = 0
    for user_id, due in _new_due_dates(assignment, due_date, due_days_after_joining).items():
        changed += (
            _open_enrolments(assignment)
            .filter(user_id=user_id)
            .exclude(due_date=due)
            .update(due_date=due)
        )
    qualification_status_refresh(
        user_ids=_open_enrolments(assignment).values_list("user_id", flat=True),
        course_ids=[assignment.course_id],
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.ASSIGNMENT_CHANGED,
        organisation=assignment.organisation,
        detail={
            "assignment": assignment.pk,
            "due_date": due_date.isoformat() if due_date else None,
            "due_days_after_joining": due_days_after_joining,
            "changed": changed,
        },
    )
    return changed


@transaction.atomic
def assignment_cancel(*, assignment: Assignment, by: User) -> int:
    """Cancel: open enrolments that came only from it end; returns how many ended."""
    updated = Assignment.objects.filter(pk=assignment.pk, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now(), cancelled_by=by
    )
    if not updated:
        return 0
    assignment.refresh_from_db()
    ended_users = []
    for enrolment in _open_enrolments(assignment).select_related("user"):
        other = (
            Assignment.objects.filter(
                cancelled_at__isnull=True,
                course_id=assignment.course_id,
                enrolments__user=enrolment.user,
            )
            .exclude(pk=assignment.pk)
            .first()
        )
        if other is not None:  # still required by another assignment: it takes the enrolment
            Enrolment.objects.filter(pk=enrolment.pk).update(assignment=other)
            continue
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=Enrolment.Status.WITHDRAWN, source=Enrolment.Source.SELF, due_date=None
        )
        ended_users.append(enrolment.user_id)
    qualification_status_refresh(user_ids=ended_users, course_ids=[assignment.course_id])
    audit_record(
        actor=by,
        action=AuditEvent.Action.ASSIGNMENT_CANCELLED,
        organisation=assignment.organisation,
        detail={"assignment": assignment.pk, "ended": len(ended_users)},
    )
    return len(ended_users)
