"""Rendering, storing and mailing certificates: once, retry-safe, readable PDFs."""

import hashlib
import io
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate
from certificates.tasks import certificate_render_task, certificate_requeue_stuck_task
from tests.certificates.conftest import complete_course, make_completed_enrolment


def _pdf_files():
    _dirs, files = default_storage.listdir("certificates/" + str(timezone.localdate().year))
    return files


def test_certificate_pdf_text_and_metadata(issued):
    """The stored PDF is A4 landscape, names the learner, serial and code, and is signed."""
    data = default_storage.open(issued.pdf.name).read()
    assert hashlib.sha256(data).hexdigest() == issued.sha256
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    text = page.extract_text()
    assert "Şeyma Çelik" in text and issued.serial in text and issued.code in text
    assert "Vergabe kompakt" in reader.metadata.title
    assert "/Sig" in str(reader.get_fields() or {}) or b"/ByteRange" in data


def test_render_task_twice_changes_nothing(issued):
    """Running the task again (a retry, a redelivery) keeps one PDF and sends no second mail."""
    before = (issued.pdf.name, issued.sha256)
    certificate_render_task.delay(issued.pk)
    issued.refresh_from_db()
    assert (issued.pdf.name, issued.sha256) == before
    assert len(_pdf_files()) == 1
    assert len(mail.outbox) == 1


def test_render_replaces_a_missing_file(issued):
    """If the stored PDF disappeared, the task renders it again and stores the new hash."""
    default_storage.delete(issued.pdf.name)
    certificate_render_task.delay(issued.pk)
    issued.refresh_from_db()
    data = default_storage.open(issued.pdf.name).read()
    assert hashlib.sha256(data).hexdigest() == issued.sha256


def test_render_race_keeps_one_file(learner_a, course, db):
    """Two renders of one certificate (lost race) leave exactly one stored file."""
    certificate, _ = services.certificate_issue(
        enrolment=make_completed_enrolment(learner_a, course, 1)
    )
    original = services.certificate_pdf_bytes

    def render_then_lose(cert):
        data = original(cert)
        Certificate.objects.filter(pk=cert.pk).update(pdf="certificates/winner.pdf", sha256="x")
        return data

    with mock.patch("certificates.services.render.certificate_pdf_bytes", render_then_lose):
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name == "certificates/winner.pdf"
    assert _pdf_files() == []


def test_mail_failure_releases_claim_and_retry_sends_once(learner_a, course, db):
    """A mail server error leaves the certificate unmailed; the retry sends exactly one mail."""
    certificate, _ = services.certificate_issue(
        enrolment=make_completed_enrolment(learner_a, course, 1)
    )
    services.certificate_render(certificate_id=certificate.pk)
    with (
        mock.patch(
            "certificates.services.mail.send_mail", side_effect=smtplib.SMTPException("down")
        ),
        pytest.raises(smtplib.SMTPException),
    ):
        services.certificate_mail(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.mailed_at is None
    assert services.certificate_mail(certificate_id=certificate.pk) is True
    assert services.certificate_mail(certificate_id=certificate.pk) is False
    assert len(mail.outbox) == 1


def test_render_task_retries_transient_errors():
    """The task retries database, storage and mail errors with backoff, at most five times."""
    assert certificate_render_task.max_retries == 5
    assert certificate_render_task.retry_backoff
    assert smtplib.SMTPException in certificate_render_task.autoretry_for
    assert certificate_render_task.acks_late


def test_broker_down_leaves_pending_then_requeue_renders(
    learner_a, course, django_capture_on_commit_callbacks, caplog
):
    """With the broker down at completion the row stays pending; the requeue task renders it."""
    with (
        mock.patch.object(certificate_render_task, "delay", side_effect=BrokerError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrolment = complete_course(learner_a, course)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf
    assert "left pending" in caplog.text
    assert certificate_requeue_stuck_task.delay(10).get() == 0  # not stuck long enough yet
    Certificate.objects.filter(pk=certificate.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    assert certificate_requeue_stuck_task.delay(10).get() == 1
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED and certificate.pdf
    assert len(mail.outbox) == 1


def test_render_inside_running_event_loop(issued):
    """Rendering from a thread with a running event loop (async server, browser tests) still
    signs the PDF instead of failing inside pyHanko."""
    import asyncio

    async def render():
        return services.certificate_pdf_bytes(issued)

    assert b"/ByteRange" in asyncio.run(render())
