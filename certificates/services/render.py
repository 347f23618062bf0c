"""Rendering the PDF of a certificate (ReportLab, signed), storing it exactly once, and
re-queueing renders that got stuck. Runs in Celery; every step is idempotent."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Case, F, Value, When
from django.utils import timezone

from ..models import (
    Certificate,
)
from ..rendering import (
    CertificateSnapshot,
    load_long_term_signing,
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
)

logger = logging.getLogger(__name__)


# --- Render and mail -----------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _logo_bytes(name: str) -> bytes | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("Certificate logo %s is missing; rendering without it", name)
        return None


def certificate_snapshot(certificate: Certificate) -> CertificateSnapshot:
    """The renderer's input, built only from the frozen fields of the row."""
    return CertificateSnapshot(
        serial=certificate.serial,
        code=certificate.code,
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        content_revision=certificate.content_revision,
        modules=tuple(certificate.modules),
        hours=Decimal(certificate.hours),
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        issuer_name=certificate.issuer_name,
        signatory_name=certificate.signatory_name,
        signatory_role=certificate.signatory_role,
        wording=certificate.wording,
        colour=certificate.colour,
        logo=_logo_bytes(certificate.logo_file),
        verify_url=certificate.verify_url,
    )


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    """Render (and, unless switched off, sign) the certificate's PDF."""
    pdf = render_certificate_pdf(certificate_snapshot(certificate))
    if settings.CERTIFICATE_SIGN_PDF:
        pdf = sign_certificate_pdf(
            pdf, signer=load_platform_signer(), long_term=load_long_term_signing()
        )
    return pdf


def _stored_pdf_matches(certificate: Certificate) -> bool:
    try:
        with default_storage.open(certificate.pdf.name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest() == certificate.sha256
    except OSError:
        return False


def certificate_render(*, certificate_id: int) -> Certificate:
    """Render, sign and store the PDF with its SHA-256, once.

    Idempotent: a stored PDF whose hash matches is kept. Two workers racing (a redelivered
    task) both render, but only the one whose conditional UPDATE finds no PDF keeps its file;
    the other deletes its copy, so exactly one file belongs to the certificate.
    """
    certificate = Certificate.objects.get(pk=certificate_id)
    if certificate.erased_at is not None:  # the holder was erased: never render their name again
        return certificate
    if certificate.pdf:
        if _stored_pdf_matches(certificate):
            return certificate
        logger.warning(
            "Stored PDF of certificate %s is missing or altered; re-rendering", certificate.pk
        )
        Certificate.objects.filter(pk=certificate.pk, pdf=certificate.pdf.name).update(
            pdf="", sha256=""
        )
    pdf = certificate_pdf_bytes(certificate)
    delay = settings.CERTIFICATE_RENDER_TEST_DELAY
    if delay:  # tests only: widen the window in which a worker can be killed mid-render
        time.sleep(delay)
    certificate_pdf_store(certificate, pdf)
    certificate.refresh_from_db()
    return certificate


def certificate_pdf_store(certificate: Certificate, pdf: bytes) -> bool:
    """Store a rendered PDF with its SHA-256 unless the certificate got one meanwhile (or its
    holder was erased): the conditional UPDATE decides, the loser's file is deleted. A pending
    certificate becomes issued. Returns whether this PDF was kept."""
    # The name is random (192 bits), so no other file can hold it: ``_save`` skips the
    # storage's search for a free name, which on S3 is one HEAD request per certificate.
    name = default_storage._save(
        f"certificates/{certificate.issued_on.year}/{secrets.token_urlsafe(24)}.pdf",
        ContentFile(pdf),
    )
    stored = Certificate.objects.filter(pk=certificate.pk, pdf="", erased_at__isnull=True).update(
        pdf=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        rendered_at=timezone.now(),
        status=Case(
            When(status=Certificate.Status.PENDING, then=Value(Certificate.Status.ISSUED)),
            default=F("status"),
        ),
    )
    if not stored:
        default_storage.delete(name)
    return bool(stored)


def certificates_requeue_stuck(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Queue rendering again for certificates still without a PDF after ``older_than``
    (a failed render, a lost task, a broker that was down at completion)."""
    from ..tasks import certificate_render_task

    cutoff = timezone.now() - older_than
    ids = list(
        Certificate.objects.current()
        .available()
        .filter(pdf="", created_at__lte=cutoff)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        certificate_render_task.delay(pk)
    return ids
