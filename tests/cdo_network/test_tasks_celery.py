"""Celery wiring of the network: periodic tasks are scheduled, and a real worker on Redis
mails a person promoted from the waiting list."""

import time

import pytest
from django.core import mail

from cdo_network import services
from cdo_network.models import NotificationLog
from tests.conftest import requires_postgres, requires_redis
from tests.factories import make_member


def test_periodic_tasks_are_scheduled():
    """celery beat knows the reminder, digest and deadline tasks."""
    from lms.celery import app

    app.loader.import_default_modules()
    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "cdo_network.event_reminders_send",
        "cdo_network.circle_digests_send",
        "cdo_network.funding_deadline_reminders_send",
    } <= tasks


@requires_redis
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_promotion_mail_through_real_worker(celery_worker_on_redis, make_event, gemeinde_a):
    """After commit the promotion task goes through Redis to a worker, which sends one mail."""
    event = make_event(capacity=1)
    first, second = make_member(gemeinde_a), make_member(gemeinde_a)
    services.registration_create(event=event, user=first)
    services.registration_create(event=event, user=second)
    services.registration_cancel(event=event, user=first)
    deadline = time.monotonic() + 20
    while not NotificationLog.objects.filter(recipient=second).exists():
        assert time.monotonic() < deadline, "the worker did not send the promotion mail"
        time.sleep(0.2)
    assert [m.to for m in mail.outbox] == [[second.email]]
