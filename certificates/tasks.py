"""Celery tasks of the certificates app: thin, idempotent, taking primary keys."""

import smtplib
from datetime import timedelta

from celery import shared_task
from django.db import IntegrityError, InterfaceError, OperationalError

from lms.models import Enrolment

from . import bulk, services
from .models import Certificate

# Failures worth retrying: the database or storage hiccups, the mail server is away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError, smtplib.SMTPException)


@shared_task(
    name="certificates.render",
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def certificate_render_task(self, certificate_id: int) -> str:
    """Render, sign and store the PDF, then mail the learner; a second run changes nothing."""
    try:
        services.certificate_render(certificate_id=certificate_id)
    except Certificate.DoesNotExist:
        return "missing"
    services.certificate_mail(certificate_id=certificate_id)
    return "done"


@shared_task(
    name="certificates.issue",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def certificate_issue_task(enrolment_id: int) -> int | None:
    """Issue the certificate of an already completed enrolment (backfills, imports, the bulk
    benchmark); rendering is queued on commit as usual. Idempotent."""
    enrolment = Enrolment.objects.filter(pk=enrolment_id, status=Enrolment.Status.COMPLETED).first()
    if enrolment is None:
        return None
    certificate, _created = services.certificate_issue(enrolment=enrolment)
    return certificate.pk if certificate else None


@shared_task(name="certificates.requeue_stuck")
def certificate_requeue_stuck_task(older_than_minutes: int = 10) -> int:
    """Queue rendering again for certificates left pending (failed render, broker outage)."""
    return len(
        services.certificates_requeue_stuck(older_than=timedelta(minutes=older_than_minutes))
    )


@shared_task(name="certificates.expiry_reminders")
def certificate_expiry_reminders_task() -> int:
    """Send the 90- and 30-day expiry reminders due today (each once per certificate)."""
    return services.certificate_reminders_send()


@shared_task(
    name="certificates.export_build",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def certificate_export_build_task(export_id: int) -> int:
    """Build a large organisation unit's certificate ZIP into storage."""
    return services.certificate_export_build(export_id=export_id).total


@shared_task(
    name="certificates.issue_batch",
    autoretry_for=(*TRANSIENT_ERRORS, IntegrityError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def certificates_issue_batch_task(enrolment_ids: list[int]) -> int:
    """Issue, render, store and mail the certificates of many completed enrolments in one task
    (backfills, imported completions, ``issue_missing_certificates``). Idempotent: a redelivered
    batch skips what is done. A concurrent single issue makes the INSERT fail; the retry then
    finds that certificate and issues the rest."""
    certificate_ids = bulk.certificates_issue_many(enrolment_ids=enrolment_ids)
    bulk.certificates_render_many(certificate_ids=certificate_ids)
    bulk.certificates_mail_many(certificate_ids=certificate_ids)
    return len(certificate_ids)


@shared_task(name="certificates.exports_purge")
def certificate_exports_purge_task() -> int:
    """Hourly: delete certificate ZIP exports past their retention period, fail stuck ones."""
    from lms.services.export_retention import exports_purge

    from .models import CertificateExport

    return sum(exports_purge(CertificateExport))
