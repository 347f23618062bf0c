"""Event registration with an exact capacity and a waiting list that promotes itself.

Every change of who holds a seat locks the event row first (``select_for_update``), so on
PostgreSQL concurrent registrations and cancellations for one event run one after another and
the number of confirmed seats never exceeds the capacity. On SQLite writes are serialised anyway.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lms.models import Notification, User

from ..models import EventPage, Registration
from .notify import notification_send_once

Status = Registration.Status


def _lock_event(event: EventPage) -> EventPage:
    # Precondition for every seat change below: hold this lock until the transaction ends.
    return EventPage.objects.select_for_update().get(pk=event.pk)


def _confirmed_count(event: EventPage) -> int:
    return Registration.objects.filter(event=event, status=Status.CONFIRMED).count()


def _promote_from_waiting_list(event: EventPage) -> list[Registration]:
    """Fill free seats from the head of the waiting list. Caller holds the event lock."""
    from ..tasks import registration_promoted_notify_task

    free = event.capacity - _confirmed_count(event)
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.filter(event=event, status=Status.WAITLISTED).order_by(
            "queued_at", "pk"
        )[:free]
    )
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.save(update_fields=["status"])
        transaction.on_commit(
            lambda pk=registration.pk: registration_promoted_notify_task.delay(pk)
        )
    return promoted


@transaction.atomic
def registration_create(*, event: EventPage, user: User) -> Registration:
    """Register ``user``: a seat while there is one, otherwise a place on the waiting list.

    Registering again after a cancellation joins the end of the queue.
    """
    event = _lock_event(event)
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing and existing.status != Status.CANCELLED:
        return existing
    if not event.registration_open or event.start <= timezone.now():
        raise ValidationError(_("Registration for this event is closed."))
    status = Status.CONFIRMED if _confirmed_count(event) < event.capacity else Status.WAITLISTED
    if existing:
        existing.status = status
        existing.queued_at = timezone.now()
        existing.save(update_fields=["status", "queued_at"])
        return existing
    return Registration.objects.create(
        event=event, user=user, status=status, queued_at=timezone.now()
    )


@transaction.atomic
def registration_cancel(*, event: EventPage, user: User) -> list[Registration]:
    """Cancel ``user``'s registration; a freed seat goes to the head of the waiting list.

    Returns the registrations promoted as a result (mailed after commit).
    """
    event = _lock_event(event)
    registration = (
        Registration.objects.filter(event=event, user=user).exclude(status=Status.CANCELLED).first()
    )
    if registration is None:
        return []
    registration.status = Status.CANCELLED
    registration.save(update_fields=["status"])
    return _promote_from_waiting_list(event)


@transaction.atomic
def event_waiting_list_refill(*, event: EventPage) -> list[Registration]:
    """After an editor raised the capacity, move people up from the waiting list."""
    return _promote_from_waiting_list(_lock_event(event))


def registration_promoted_notify(*, registration: Registration) -> bool:
    """Tell a person they moved up from the waiting list (once)."""
    if registration.status != Status.CONFIRMED:
        return False
    event = registration.event
    return notification_send_once(
        kind="event_promoted",
        recipient=registration.user,
        key=str(registration.pk),
        subject=gettext_noop("You have a seat: %(title)s"),
        subject_params={"title": event.title},
        template="cdo_network/mail/promoted.txt",
        context={"registration": registration, "event": event},
        notice_kind=Notification.Kind.WAITLIST_PROMOTED,
        url=event.url,
    )


@transaction.atomic
def attendance_confirm(*, event: EventPage, organiser: User, attended_user_ids: set[int]) -> int:
    """The organiser records who attended; only confirmed registrations can count."""
    if not (organiser.is_superuser or event.organiser_id == organiser.pk):
        raise PermissionDenied
    now = timezone.now()
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    confirmed.filter(user_id__in=attended_user_ids).update(
        attended=True, attendance_confirmed_at=now
    )
    confirmed.exclude(user_id__in=attended_user_ids).update(
        attended=False, attendance_confirmed_at=now
    )
    return confirmed.filter(attended=True).count()


def event_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind confirmed participants of events starting within the next 24 hours (once each)."""
    now = now or timezone.now()
    registrations = Registration.objects.filter(
        status=Status.CONFIRMED,
        event__live=True,
        event__start__gt=now,
        event__start__lte=now + dt.timedelta(hours=24),
    ).select_related("event", "user")
    sent = 0
    for registration in registrations:
        event = registration.event
        sent += notification_send_once(
            kind="event_reminder",
            recipient=registration.user,
            key=str(event.pk),
            subject=gettext_noop("Reminder: %(title)s"),
            subject_params={"title": event.title},
            template="cdo_network/mail/reminder.txt",
            context={"event": event, "user": registration.user},
        )
    return sent
