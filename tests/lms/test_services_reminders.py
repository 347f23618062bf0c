"""Reminder mails: each learner reminder and each weekly HR digest is sent exactly once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lms import services
from lms.models import DigestSent, Enrolment, JobProfile, ReminderSent
from lms.services.hr import enrolment_assign
from lms.services.reminders import digest_send_weekly
from lms.tasks import digest_send_weekly_task, reminders_send_due_task
from tests.factories import make_member, refresh_statuses


@pytest.fixture
def cdo_profile(course):
    profile = JobProfile.objects.create(name="Chief Digital Officer")
    profile.required_courses.add(course)
    return profile


@pytest.fixture
def employee_a(amt_a, cdo_profile):
    person = make_member(amt_a, full_name="Anna Bonn", email="anna@bonn.de")
    services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
    return person


@pytest.fixture
def employee_b(amt_b, cdo_profile):
    person = make_member(amt_b, full_name="Bernd Köln", email="bernd@koeln.de")
    services.membership_set(user=person, organisation=amt_b, job_profiles=[cdo_profile])
    return person


def _assign(user, course, days):
    return enrolment_assign(
        user=user, course=course, due_date=timezone.localdate() + timedelta(days=days)
    )


def test_reminders_task_twice_sends_each_mail_once(
    employee_a, employee_b, course, django_capture_on_commit_callbacks
):
    """Two runs of the beat task send one German mail per enrolment and reminder kind."""
    _assign(employee_a, course, 14)
    _assign(employee_b, course, -2)
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send_due_task.delay()
    assert len(mail.outbox) == 2
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects[0].startswith("Erinnerung") and subjects[1].startswith("Überfällig")
    assert "Vergabe kompakt" in mail.outbox[0].body
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"due_14", "overdue"}


def test_reminders_completed_enrolment_gets_none(
    employee_a, course, django_capture_on_commit_callbacks
):
    """A completed enrolment is not reminded, even when its due date has passed."""
    enrolment = _assign(employee_a, course, -1)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    refresh_statuses(employee_a)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due_task.delay()
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_reminders_failed_send_is_retried(
    employee_a, course, django_capture_on_commit_callbacks, monkeypatch
):
    """When the mail server fails, the claim is released and the next run sends the mail."""
    _assign(employee_a, course, 1)

    def broken_send(self, fail_silently=False):
        raise OSError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken_send)
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send_due_task.delay()
    assert not ReminderSent.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due_task.delay()
    assert len(mail.outbox) == 1 and ReminderSent.objects.get().kind == "due_1"


def test_digest_lists_only_own_organisations(
    hr_a, hr_b, employee_a, employee_b, course, django_capture_on_commit_callbacks
):
    """HR of A gets one weekly digest naming A's overdue person and nobody from B."""
    _assign(employee_a, course, -3)
    _assign(employee_b, course, -3)
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            digest_send_weekly_task.delay()
    to_a = [message for message in mail.outbox if message.to == [hr_a.email]]
    assert len(to_a) == 1
    assert "Anna Bonn" in to_a[0].body and "Bernd" not in to_a[0].body
    assert "Überfällig" in to_a[0].body
    assert DigestSent.objects.filter(user=hr_a).count() == 1


def test_digest_skips_hr_without_items(hr_a, employee_a, django_capture_on_commit_callbacks):
    """Nothing overdue or expiring: no digest mail."""
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send_weekly() == 0
    assert mail.outbox == []
