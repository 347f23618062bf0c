"""Celery tasks of the CDO network: thin, idempotent, taking primary keys.

Each reloads its rows and calls one service; ``NotificationLog``'s unique constraint makes a
second run send nothing. The periodic ones are scheduled below for ``celery beat``.
"""

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from lms.celery import app

from . import services
from .models import AbuseReport, Registration


@shared_task(name="cdo_network.registration_promoted_notify")
def registration_promoted_notify_task(registration_pk: int) -> bool:
    """Mail a person promoted from the waiting list."""
    registration = (
        Registration.objects.select_related("event", "user").filter(pk=registration_pk).first()
    )
    if registration is None:
        return False
    return services.registration_promoted_notify(registration=registration)


@shared_task(name="cdo_network.abuse_report_notify")
def abuse_report_notify_task(report_pk: int) -> int:
    """Tell the moderators of a circle about a reported post."""
    report = (
        AbuseReport.objects.select_related("post__thread__circle", "reporter")
        .filter(pk=report_pk)
        .first()
    )
    return services.abuse_report_notify(report=report) if report else 0


@shared_task(name="cdo_network.event_reminders_send")
def event_reminders_send_task() -> int:
    """Hourly: remind participants of events in the next 24 hours."""
    return services.event_reminders_send()


@shared_task(name="cdo_network.circle_digests_send")
def circle_digests_send_task(day: str | None = None) -> int:
    """Daily: the digest of yesterday's posts (or of ``day``, ISO date)."""
    date = dt.date.fromisoformat(day) if day else timezone.localdate() - dt.timedelta(days=1)
    return services.circle_digests_send(day=date)


@shared_task(name="cdo_network.funding_deadline_reminders_send")
def funding_deadline_reminders_send_task() -> int:
    """Daily: deadline reminders for subscribers of funding programmes."""
    return services.funding_deadline_reminders_send()


def _schedule(sender, **kwargs):
    sender.add_periodic_task(
        crontab(minute=5), event_reminders_send_task.s(), name="cdo event reminders"
    )
    sender.add_periodic_task(
        crontab(hour=6, minute=0), circle_digests_send_task.s(), name="cdo circle digests"
    )
    sender.add_periodic_task(
        crontab(hour=7, minute=0),
        funding_deadline_reminders_send_task.s(),
        name="cdo funding deadline reminders",
    )


# The worker or beat may finalize the app before or after this module is imported.
if app.finalized:
    _schedule(app)
else:
    app.on_after_finalize.connect(_schedule)
