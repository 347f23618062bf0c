"""Registration, waiting list and reminders: the number of confirmed seats is exact."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from cdo_network import services
from cdo_network.models import Registration
from tests.conftest import requires_postgres
from tests.factories import make_member

Status = Registration.Status


def _people(organisation, count):
    return [make_member(organisation, full_name=f"Person {i}") for i in range(count)]


def _confirmed(event):
    return Registration.objects.filter(event=event, status=Status.CONFIRMED).count()


def test_full_event_puts_people_on_the_waiting_list(make_event, gemeinde_a):
    """Beyond the capacity, registrations join the waiting list in order."""
    event = make_event(capacity=2)
    people = _people(gemeinde_a, 4)
    statuses = [services.registration_create(event=event, user=p).status for p in people]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    assert services.registration_create(event=event, user=people[0]).status == Status.CONFIRMED


def test_cancellation_promotes_the_head_of_the_waiting_list(
    make_event, gemeinde_a, django_capture_on_commit_callbacks
):
    """A freed seat goes to the first person waiting, who is mailed once."""
    event = make_event(capacity=2)
    people = _people(gemeinde_a, 4)
    for person in people:
        services.registration_create(event=event, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(event=event, user=people[0])
    assert [r.user for r in promoted] == [people[2]]
    assert _confirmed(event) == 2
    assert [m.to for m in mail.outbox] == [[people[2].email]]
    # Cancelling a waiting-list place promotes nobody and keeps the capacity.
    assert services.registration_cancel(event=event, user=people[3]) == []
    assert _confirmed(event) == 2


def test_sequential_cancellations_keep_capacity_exact(make_event, gemeinde_a):
    """Many cancellations one after another: confirmed seats always equal the capacity while
    people are waiting, and the queue order is kept."""
    event = make_event(capacity=3)
    people = _people(gemeinde_a, 10)
    for person in people:
        services.registration_create(event=event, user=person)
    for person in people[:5]:
        services.registration_cancel(event=event, user=person)
        assert _confirmed(event) == 3
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    assert {r.user for r in confirmed} == set(people[5:8])


def test_registration_closed_for_past_events(make_event, gemeinde_a):
    """No registrations once the event has started."""
    event = make_event(start=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        services.registration_create(event=event, user=_people(gemeinde_a, 1)[0])


def _run_in_threads(functions):
    errors = []
    barrier = threading.Barrier(len(functions))

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_keep_capacity_exact(make_event, gemeinde_a):
    """Six people cancel at the same moment: exactly the capacity stays confirmed and the
    first six waiting are promoted (select_for_update on the event row)."""
    event = make_event(capacity=6)
    people = _people(gemeinde_a, 16)
    for person in people:
        services.registration_create(event=event, user=person)
    _run_in_threads(
        [lambda p=p: services.registration_cancel(event=event, user=p) for p in people[:6]]
    )
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED)
    assert confirmed.count() == 6
    assert {r.user_id for r in confirmed} == {p.pk for p in people[6:12]}


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_and_cancellations(make_event, gemeinde_a):
    """Registrations and cancellations racing each other never overbook the event."""
    event = make_event(capacity=4)
    people = _people(gemeinde_a, 12)
    for person in people[:6]:
        services.registration_create(event=event, user=person)
    jobs = [lambda p=p: services.registration_cancel(event=event, user=p) for p in people[:3]]
    jobs += [lambda p=p: services.registration_create(event=event, user=p) for p in people[6:]]
    _run_in_threads(jobs)
    assert _confirmed(event) == 4
    assert Registration.objects.filter(event=event, status=Status.WAITLISTED).count() == 5


def test_reminders_are_sent_once(make_event, gemeinde_a):
    """Participants of events in the next 24 hours get one reminder, however often it runs."""
    soon = make_event(start=timezone.now() + dt.timedelta(hours=5), title="Bald")
    later = make_event(start=timezone.now() + dt.timedelta(days=5), title="Später")
    person = _people(gemeinde_a, 1)[0]
    services.registration_create(event=soon, user=person)
    services.registration_create(event=later, user=person)
    assert services.event_reminders_send() == 1
    assert services.event_reminders_send() == 0
    assert "Bald" in mail.outbox[0].subject


def test_attendance_counts_as_training_hours(make_event, gemeinde_a, client):
    """Attendance confirmed by the organiser adds the event's hours to the learner's record."""
    from django.urls import reverse

    from cdo_network.selectors import training_hours_for

    organiser = _people(gemeinde_a, 1)[0]
    event = make_event(capacity=5, organiser=organiser)
    learner = make_member(gemeinde_a, full_name="Lena Lernend")
    services.registration_create(event=event, user=learner)
    client.force_login(learner)
    url = reverse("cdo_network:event_attendance", args=[event.pk])
    assert client.post(url, {"attended": [learner.pk]}).status_code == 404
    client.force_login(organiser)
    assert client.post(url, {"attended": [learner.pk]}).status_code == 302
    assert training_hours_for(user=learner)["hours"] == 3
    client.force_login(learner)
    page = client.get(reverse("cdo_network:my_events")).content.decode()
    assert "3,0" in page or "3.0" in page


def test_mails_use_the_recipients_language(make_event, gemeinde_a):
    """A person who prefers English gets the reminder in English, others in German."""
    event = make_event(start=timezone.now() + dt.timedelta(hours=3), title="Treffen")
    english = make_member(gemeinde_a, full_name="Emma English", preferred_language="en")
    german = make_member(gemeinde_a, full_name="Greta Deutsch", preferred_language="de")
    services.registration_create(event=event, user=english)
    services.registration_create(event=event, user=german)
    services.event_reminders_send()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[english.email] == "Reminder: Treffen"
    assert subjects[german.email] == "Erinnerung: Treffen"
