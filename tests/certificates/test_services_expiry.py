"""Expiry: reminders 90 and 30 days ahead (once each, to learner and HR), recertification,
and the periodic tasks registered with Celery beat."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateReminder
from certificates.tasks import certificate_expiry_reminders_task
from lms.models import Enrolment


def _expiring_in(certificate, days: int) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + timedelta(days=days)
    )


def test_reminders_go_out_once_per_threshold(issued, hr_a, hr_b):
    """At 90 and at 30 days the learner and their city's HR get one mail each, never twice;
    the neighbouring city's HR gets nothing."""
    mail.outbox.clear()
    _expiring_in(issued, 85)
    assert certificate_expiry_reminders_task.delay().get() == 1
    assert certificate_expiry_reminders_task.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([issued.user.email, hr_a.email])
    _expiring_in(issued, 29)
    assert services.certificate_reminders_send() == 1
    assert services.certificate_reminders_send() == 0
    assert len(mail.outbox) == 4
    assert hr_b.email not in {address for m in mail.outbox for address in m.to}
    assert set(issued.reminders.values_list("kind", flat=True)) == {"90", "30"}


def test_org_admins_get_expiry_mails_like_the_digest(issued, gemeinde_a, hr_a):
    """The reported gap: org admins got the weekly digest but not the expiry mails. One rule
    decides who a person's HR contacts are."""
    from lms.models import Membership
    from lms.selectors.organisations import hr_contacts_of
    from tests.factories import make_member

    admin = make_member(gemeinde_a, Membership.Role.ORG_ADMIN, email="orgadmin@bonn.de")
    assert {person.email for person in hr_contacts_of(issued.user)} == {hr_a.email, admin.email}
    mail.outbox.clear()
    _expiring_in(issued, 85)
    services.certificate_reminders_send()
    assert admin.email in {address for m in mail.outbox for address in m.to}


def test_expiry_mails_speak_each_recipients_language(issued, hr_a):
    """The mail texts come from translated templates: the holder (German) and an HR contact
    who chose English each get the text in their own language, with the link to the course
    and to the person's record on the site's address."""
    hr_a.preferred_language = "en"
    hr_a.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    _expiring_in(issued, 85)
    services.certificate_reminders_send()
    to_holder = next(m for m in mail.outbox if m.to == [issued.user.email])
    to_hr = next(m for m in mail.outbox if m.to == [hr_a.email])
    until = (timezone.localdate() + timedelta(days=85)).strftime("%d.%m.%Y")
    assert to_holder.subject.startswith("Zertifikat läuft ab:")
    assert f"ist gültig bis {until}" in to_holder.body
    assert settings.SITE_URL in to_holder.body
    assert to_hr.subject.startswith("Certificate expiring:")
    assert issued.learner_name in to_hr.body and "is valid until" in to_hr.body
    assert settings.SITE_URL + reverse("hr_employee", args=[issued.user_id]) in to_hr.body


def test_late_certificate_gets_only_the_30_day_reminder(issued):
    """A certificate first seen 20 days before expiry gets the 30-day reminder only."""
    _expiring_in(issued, 20)
    services.certificate_reminders_send()
    assert list(issued.reminders.values_list("kind", flat=True)) == [
        CertificateReminder.Kind.DAYS_30
    ]


def test_no_reminder_for_revoked_or_far_expiry(issued, hr_a):
    """Revoked certificates and those valid for longer than 90 days get no reminder."""
    _expiring_in(issued, 200)
    assert services.certificate_reminders_send() == 0
    _expiring_in(issued, 10)
    services.certificate_revoke(certificate=issued, by=hr_a, reason="Fehler")
    assert services.certificate_reminders_send() == 0


def test_course_page_offers_recertification(client, issued, learner_a, course):
    """Near expiry the course page offers 'Rezertifizierung starten', which opens cycle 2."""
    client.force_login(learner_a)
    assert "rezertifizieren" not in client.get(course.url).content.decode()
    _expiring_in(issued, 60)
    page = client.get(course.url).content.decode()
    url = reverse("certificate_recertify", args=[course.pk])
    assert url in page
    response = client.post(url)
    assert response.status_code == 302
    latest = Enrolment.objects.filter(user=learner_a, course=course).order_by("-cycle").first()
    assert latest.cycle == 2 and latest.status == Enrolment.Status.ACTIVE
    assert url not in client.get(course.url).content.decode()


def test_recertify_refused_when_not_due(issued, learner_a, course):
    """A certificate far from expiry (or without expiry) cannot be recertified yet."""
    with pytest.raises(services.CertificateError):
        services.enrolment_recertify(user=learner_a, course=course)


def test_recertify_is_idempotent(issued, learner_a, course):
    """Starting recertification twice gives one new cycle."""
    _expiring_in(issued, 30)
    first = services.enrolment_recertify(user=learner_a, course=course)
    second = services.enrolment_recertify(user=learner_a, course=course)
    assert first.pk == second.pk and first.cycle == 2


def test_recertification_updates_the_stored_matrix_cell(issued, learner_a, course):
    """The reported gap: the new cycle was created outside the lms services, so the stored
    status said "held" for the old enrolment while the live rules said "not started"."""
    from lms.models import QualificationStatus
    from lms.selectors.hr.live import qualification_cells_live

    _expiring_in(issued, 30)
    new = services.enrolment_recertify(user=learner_a, course=course)
    stored = QualificationStatus.objects.get(user=learner_a, course=course)
    live = qualification_cells_live([learner_a.pk], course_ids=[course.pk])[
        (learner_a.pk, course.pk)
    ]
    assert (stored.status, stored.enrolment_id) == (live.cell.status, live.enrolment_id)
    assert stored.enrolment_id == new.pk


def test_beat_schedule_registers_periodic_tasks():
    """Celery beat runs the requeue and the reminder tasks."""
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"certificates.requeue_stuck", "certificates.expiry_reminders"} <= tasks


def test_seed_demo_gives_the_demo_learner_a_certificate(db, django_capture_on_commit_callbacks):
    """The demo learner has one issued certificate after seed_demo, and still one after a rerun."""
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    certificates = Certificate.objects.filter(user__email="lernende@demo.kommunal-campus.de")
    assert certificates.count() == 1
    assert certificates.get().status == Certificate.Status.ISSUED
