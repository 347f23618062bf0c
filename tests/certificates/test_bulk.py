"""Issuing many certificates in one task: backfills and imported completions."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.management import call_command
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate
from certificates.tasks import certificates_issue_batch_task
from lms.models import Enrolment, User
from tests.certificates.conftest import make_completed_enrolment
from tests.factories import refresh_statuses

pytestmark = pytest.mark.django_db


def _people(count):
    names = ["Łukasz Żółć", "Ærøskøbing Ågård", "Jürgen Weiß", "Ana Núñez"]
    return [
        User.objects.create_user(email=f"person{n}@bonn.example", full_name=names[n % len(names)])
        for n in range(count)
    ]


def _pdf_text(certificate):
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        return PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()


def test_batch_issues_renders_and_mails_each_missing_certificate(
    course, django_capture_on_commit_callbacks
):
    """Completed enrolments without a certificate get one each, with consecutive serials after
    the existing ones, a PDF naming the person and one mail; the rest are left alone."""
    first, second, third, unfinished = _people(4)
    with django_capture_on_commit_callbacks(execute=True):  # issued, rendered and mailed
        already, _created = services.certificate_issue(
            enrolment=make_completed_enrolment(first, course, 1)
        )
    missing = [make_completed_enrolment(p, course, 1) for p in (second, third)]
    open_enrolment = Enrolment.objects.create(user=unfinished, course=course)
    refresh_statuses(unfinished)
    mail.outbox.clear()

    ids = [already.enrolment_id, *(e.pk for e in missing), open_enrolment.pk]
    assert certificates_issue_batch_task.delay(ids).get() == 3

    issued = list(Certificate.objects.filter(enrolment__in=missing).order_by("serial"))
    year = date.today().year
    assert [c.serial for c in issued] == [f"KDSR-{year}-000002", f"KDSR-{year}-000003"]
    for certificate, person in zip(issued, (second, third), strict=True):
        assert certificate.status == Certificate.Status.ISSUED
        assert certificate.learner_name == person.full_name
        assert person.full_name in _pdf_text(certificate)
    assert sorted(m.to[0] for m in mail.outbox) == [second.email, third.email]
    assert not Certificate.objects.filter(enrolment=open_enrolment).exists()


def test_batch_run_again_changes_nothing(course):
    """A redelivered batch (worker restarted) issues, renders and mails nothing twice."""
    enrolments = [make_completed_enrolment(p, course, 1) for p in _people(3)]
    ids = [e.pk for e in enrolments]
    certificates_issue_batch_task.delay(ids).get()
    before = list(Certificate.objects.order_by("pk").values_list("serial", "pdf", "sha256"))
    mails = len(mail.outbox)

    certificates_issue_batch_task.delay(ids).get()

    assert list(Certificate.objects.order_by("pk").values_list("serial", "pdf", "sha256")) == (
        before
    )
    assert len(mail.outbox) == mails == 3


def test_issue_missing_certificates_command_backfills(course):
    """The backfill command issues certificates for completed enrolments that lack one."""
    enrolments = [make_completed_enrolment(p, course, 1) for p in _people(5)]
    out = io.StringIO()
    call_command("issue_missing_certificates", "--batch-size", "2", stdout=out)
    assert "5" in out.getvalue()
    assert Certificate.objects.filter(enrolment__in=enrolments, status="issued").count() == 5
    call_command("issue_missing_certificates", stdout=out)
    assert Certificate.objects.count() == 5


def test_backfill_skips_erased_people(course, admin_user):
    """A person erased under DSGVO gets no certificate from a later backfill."""
    from lms.services.privacy import person_erase

    kept, erased = _people(2)
    enrolments = [make_completed_enrolment(p, course, 1) for p in (kept, erased)]
    person_erase(user=erased, by=admin_user)
    call_command("issue_missing_certificates", stdout=io.StringIO())
    assert list(Certificate.objects.values_list("enrolment", flat=True)) == [enrolments[0].pk]


def test_batch_issuance_reaches_the_notification_centre_and_respects_the_choice(course):
    """The reported gap: batch issuance mailed past the notification centre. Now every issued
    certificate is a notification; who chose "in the app only" gets no mail."""
    from lms.models import Notification
    from lms.services.notifications import Delivery, notification_preferences_set

    mailed, quiet = _people(2)
    notification_preferences_set(
        user=quiet, choices={Notification.Kind.CERTIFICATE_ISSUED: Delivery.APP}
    )
    enrolments = [make_completed_enrolment(person, course, 1) for person in (mailed, quiet)]
    mail.outbox.clear()
    assert certificates_issue_batch_task.delay([e.pk for e in enrolments]).get() == 2
    notices = Notification.objects.filter(kind=Notification.Kind.CERTIFICATE_ISSUED)
    assert sorted(notices.values_list("user__email", flat=True)) == sorted(
        [mailed.email, quiet.email]
    )
    assert [m.to for m in mail.outbox] == [[mailed.email]]
