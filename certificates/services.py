"""Every write of the certificates app: issue, render, mail, revoke, re-issue, remind, recertify.

"Only once" rests on the database: one current certificate per enrolment (a partial unique
constraint), unique serial and code, a conditional UPDATE for storing the PDF and for claiming
the mail, and a unique ``CertificateReminder`` row per threshold. Work that leaves the database
(rendering, mail) is queued with ``transaction.on_commit`` so a rollback leaves nothing behind.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage, ModulePage
from lms.dates import qualification_valid_until
from lms.models import AuditEvent, Enrolment, Organisation, User
from lms.selectors.organisations import hr_contacts_of, unit_paths_of
from lms.services.audit import audit_record
from lms.services.learning import enrolment_next_cycle
from lms.services.names import name_set_from_source
from lms.services.notifications import Kind as NoticeKind
from lms.services.notifications import notify
from lms.services.stored_files import stored_files_delete_after_commit

from .codes import new_verification_code
from .models import (
    Certificate,
    CertificateExport,
    CertificateReminder,
    CertificateTemplate,
    SerialCounter,
)
from .rendering import (
    CertificateSnapshot,
    format_date_de,
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
)

logger = logging.getLogger(__name__)

REMINDER_DAYS = {CertificateReminder.Kind.DAYS_90: 90, CertificateReminder.Kind.DAYS_30: 30}
RECERTIFY_WINDOW_DAYS = 90


class CertificateError(Exception):
    """A request the rules do not allow."""


# --- Issue ---------------------------------------------------------------------------------


DEFAULT_TEMPLATE = {
    "name": "Standard",
    "signatory_name": "Dr. Andrea Kommunal",
    "signatory_role": "Leitung des Kompetenzzentrums",
}


def certificate_template_default() -> CertificateTemplate:
    """The default template, created on first use (the unique constraint keeps it single)."""
    template = CertificateTemplate.objects.filter(is_default=True).first()
    if template is not None:
        return template
    try:
        with transaction.atomic():
            return CertificateTemplate.objects.create(is_default=True, **DEFAULT_TEMPLATE)
    except IntegrityError:
        return CertificateTemplate.objects.get(is_default=True)


def template_for_course(course: CoursePage) -> CertificateTemplate:
    """The template that lists the course, else the default template."""
    return (
        CertificateTemplate.objects.filter(courses=course).order_by("pk").first()
        or certificate_template_default()
    )


def lock_serial_counters(years) -> dict[int, SerialCounter]:
    """The serial counters of ``years``, row-locked (``select_for_update``) until the issuing
    transaction ends, in year order so two issuers cannot deadlock. Every issue, single or in
    a batch, takes this lock before inserting, so concurrent issues queue up here; a rollback
    gives the numbers back: no gaps, no duplicates."""
    SerialCounter.objects.bulk_create(
        [SerialCounter(year=year) for year in years], ignore_conflicts=True
    )
    return {
        counter.year: counter
        for counter in SerialCounter.objects.select_for_update()
        .filter(year__in=years)
        .order_by("year")
    }


def take_serial(counter: SerialCounter) -> str:
    """The next serial of a locked counter (saved by the caller)."""
    counter.last_number += 1
    return f"{settings.CERTIFICATE_SERIAL_PREFIX}-{counter.year}-{counter.last_number:06d}"


def _next_serial(year: int) -> str:
    """Take the next number of ``year``. Precondition: runs inside the issuing transaction."""
    counter = lock_serial_counters([year])[year]
    serial = take_serial(counter)
    counter.save(update_fields=["last_number"])
    return serial


def _content_revision_label(enrolment: Enrolment) -> str:
    revision = enrolment.content_revision
    if revision is None:
        return ""
    created = timezone.localtime(revision.created_at).date()
    return f"Inhaltsstand {revision.pk} vom {created:%d.%m.%Y}"


def _snapshot_fields(enrolment: Enrolment, template: CertificateTemplate) -> dict:
    course = CoursePage.objects.get(pk=enrolment.course_id)
    issued_on = timezone.localdate(enrolment.completed_at or timezone.now())
    modules = list(
        ModulePage.objects.live().child_of(course).order_by("path").values_list("title", flat=True)
    )
    validity = course.certificate_validity_months
    if enrolment.completed_at:  # the date fixed at completion, the one HR sees
        valid_until = enrolment.valid_until
    else:
        valid_until = qualification_valid_until(issued_on, validity)
    return {
        "learner_name": enrolment.user.certificate_name,  # never a self-chosen name
        "course_title": course.title,
        "content_revision": _content_revision_label(enrolment),
        "modules": modules,
        "hours": (Decimal(course.duration_minutes) / 60).quantize(Decimal("0.01")),
        "issued_on": issued_on,
        "valid_until": valid_until,
        "issuer_name": template.issuer_name,
        "signatory_name": template.signatory_name,
        "signatory_role": template.signatory_role,
        "wording": template.wording,
        "colour": template.colour,
        "logo_file": template.logo.file.name if template.logo_id else "",
    }


def _queue_render(certificate_id: int) -> None:
    """Queue rendering after commit. A broker outage must not fail the learner's request:
    the row stays pending and ``certificate_requeue_stuck_task`` picks it up later."""
    from .tasks import certificate_render_task

    try:
        certificate_render_task.delay(certificate_id)
    except Exception:
        logger.exception(
            "Could not queue rendering of certificate %s; left pending", certificate_id
        )


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment) -> tuple[Certificate, bool]:
    """Create the certificate of a completed enrolment (snapshot frozen, status pending) and
    queue its rendering on commit. Returns ``(certificate, created)``; idempotent.

    Called from the ``enrolment_completed`` receiver, inside the completing transaction.
    """
    existing = Certificate.objects.current().filter(enrolment=enrolment).first()
    if existing is not None:
        return existing, False
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise CertificateError("the enrolment is not completed")
    course = CoursePage.objects.get(pk=enrolment.course_id)
    template = template_for_course(course)
    fields = _snapshot_fields(enrolment, template)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrolment=enrolment,
                user_id=enrolment.user_id,
                course_id=enrolment.course_id,
                template=template,
                serial=_next_serial(fields["issued_on"].year),
                code=new_verification_code(),
                **fields,
            )
    except IntegrityError:  # a concurrent completion issued it first
        return Certificate.objects.current().get(enrolment=enrolment), False
    transaction.on_commit(functools.partial(_queue_render, certificate.pk))
    return certificate, True


def check_certificate_correction(
    *, certificate: Certificate, learner_name: str, reason: str
) -> tuple[str, str]:
    """Validate a correction; returns the stripped ``(learner_name, reason)``.

    Only current, unrevoked certificates of people not erased can be corrected, with a reason
    and a name that differs from the one printed.
    """
    learner_name, reason = learner_name.strip(), reason.strip()
    if not reason:
        raise CertificateError("a reason is required")
    if not learner_name:
        raise CertificateError("a name is required")
    if learner_name == certificate.learner_name:
        raise CertificateError("the corrected name is the name already printed")
    if (
        certificate.status not in (Certificate.Status.PENDING, Certificate.Status.ISSUED)
        or certificate.erased_at is not None
    ):
        raise CertificateError("only current, unrevoked certificates can be corrected")
    return learner_name, reason


def certificate_correction_propose(
    *, certificate: Certificate, by: User, learner_name: str, reason: str
) -> Certificate:
    """First pair of eyes: record the corrected name and the reason; nothing is re-issued until
    a second person confirms (``certificate_correction_confirm``). A new proposal replaces an
    open one."""
    learner_name, reason = check_certificate_correction(
        certificate=certificate, learner_name=learner_name, reason=reason
    )
    if by.pk == certificate.user_id:
        raise CertificateError("nobody corrects the name on their own certificate")
    Certificate.objects.filter(pk=certificate.pk).update(
        correction_proposed_name=learner_name,
        correction_proposed_reason=reason,
        correction_proposed_by=by,
        correction_proposed_at=timezone.now(),
    )
    certificate.refresh_from_db()
    return certificate


def certificate_correction_withdraw(*, certificate: Certificate) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(
        correction_proposed_name="",
        correction_proposed_reason="",
        correction_proposed_by=None,
        correction_proposed_at=None,
    )


@transaction.atomic
def certificate_correction_confirm(*, certificate: Certificate, by: User) -> Certificate:
    """Second pair of eyes: re-issue with the proposed name. Neither the person who proposed
    it nor the certificate's holder can confirm."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.correction_proposed_at:
        raise CertificateError("no correction has been proposed")
    if by.pk in (certificate.correction_proposed_by_id, certificate.user_id):
        raise CertificateError("a second person must confirm the correction")
    new = certificate_reissue(
        certificate=certificate,
        by=by,
        learner_name=certificate.correction_proposed_name,
        reason=certificate.correction_proposed_reason,
    )
    # The proposal is done; who proposed it stays on the superseded certificate.
    Certificate.objects.filter(pk=certificate.pk).update(
        correction_proposed_name="", correction_proposed_reason="", correction_proposed_at=None
    )
    return new


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, by: User, reason: str, learner_name: str
) -> Certificate:
    """Correct a certificate: a new one under a new serial and code with the corrected name
    (everything else of the frozen snapshot, including the issue date, is kept); the old one is
    marked superseded with who corrected it, when and why (its verification page links the new
    one).

    Permission (HR scope or superuser) is checked by the caller through the selectors. The
    conditional UPDATE makes a concurrent correction or revocation of the same certificate fail
    here instead of issuing twice.
    """
    learner_name, reason = check_certificate_correction(
        certificate=certificate, learner_name=learner_name, reason=reason
    )
    if by.pk == certificate.user_id:
        raise CertificateError("nobody corrects the name on their own certificate")
    updated = Certificate.objects.filter(
        pk=certificate.pk,
        status__in=[Certificate.Status.PENDING, Certificate.Status.ISSUED],
        erased_at__isnull=True,
    ).update(
        status=Certificate.Status.SUPERSEDED,
        corrected_at=timezone.now(),
        corrected_by=by,
        correction_reason=reason,
    )
    if not updated:
        raise CertificateError("only current, unrevoked certificates can be corrected")
    old = Certificate.objects.get(pk=certificate.pk)
    snapshot = {
        name: getattr(old, name)
        for name in (
            "course_title",
            "content_revision",
            "modules",
            "hours",
            "issued_on",
            "valid_until",
            "issuer_name",
            "signatory_name",
            "signatory_role",
            "wording",
            "colour",
            "logo_file",
        )
    }
    new = Certificate.objects.create(
        enrolment_id=old.enrolment_id,
        user_id=old.user_id,
        course_id=old.course_id,
        template_id=old.template_id,
        serial=_next_serial(timezone.localdate().year),
        code=new_verification_code(),
        learner_name=learner_name,
        **snapshot,
    )
    Certificate.objects.filter(pk=old.pk).update(superseded_by=new)
    # HR corrected the name from the record: later certificates carry it too.
    name_set_from_source(user=old.user, name=learner_name, source=User.NameSource.HR)
    transaction.on_commit(functools.partial(_queue_render, new.pk))
    certificate.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CERT_CORRECTED,
        subject=old.user,
        detail={"serial": old.serial, "new_serial": new.serial},
    )
    return new


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
        pdf = sign_certificate_pdf(pdf, signer=load_platform_signer())
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
    name = default_storage.save(
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


def certificate_mail_message(certificate: Certificate) -> tuple[str, str]:
    """Subject and body of the "your certificate is ready" mail (German, as the certificate)."""
    list_url = settings.SITE_URL + reverse("certificate_list")
    body = (
        f"Guten Tag {certificate.learner_name},\n\n"
        f"Ihr Zertifikat für „{certificate.course_title}“ ist ausgestellt "
        f"(Zertifikatsnummer {certificate.serial}).\n\n"
        f"Herunterladen: {list_url}\n"
        f"Echtheit prüfen: {certificate.verify_url}\n\n"
        f"Ihr Kommunal-Campus"
    )
    return f"Ihr Zertifikat: {certificate.course_title}", body


def certificate_mail(*, certificate_id: int) -> bool:
    """Mail the learner the link to the certificate, at most once.

    The mail is claimed with a conditional UPDATE of ``mailed_at`` before sending; a failed send
    releases the claim so the task's retry sends it, and a retry after a successful send finds
    the claim taken and sends nothing.
    """
    now = timezone.now()
    claimed = Certificate.objects.awaiting_mail().filter(pk=certificate_id).update(mailed_at=now)
    if not claimed:
        return False
    certificate = Certificate.objects.select_related("user").get(pk=certificate_id)
    subject, body = certificate_mail_message(certificate)
    notified = notify(
        user=certificate.user,
        kind=NoticeKind.CERTIFICATE_ISSUED,
        key=f"certificate:{certificate.pk}:issued",
        subject=subject,
        url=reverse("certificate_list"),
    )
    if not notified.mail_now:
        return False  # the person reads it in the app (or in their summary mail)
    try:
        send_mail(subject, body, None, [certificate.user.email])
    except Exception:
        Certificate.objects.filter(pk=certificate_id, mailed_at=now).update(mailed_at=None)
        raise
    return True


def certificates_requeue_stuck(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Queue rendering again for certificates still without a PDF after ``older_than``
    (a failed render, a lost task, a broker that was down at completion)."""
    from .tasks import certificate_render_task

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


# --- Revoke --------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate with a reason; the verification page says so at once.

    Permission (HR scope or superuser) is checked by the caller through the selectors.
    """
    reason = reason.strip()
    if not reason:
        raise CertificateError("a reason is required")
    updated = Certificate.objects.filter(
        pk=certificate.pk,
        status__in=[Certificate.Status.PENDING, Certificate.Status.ISSUED],
        erased_at__isnull=True,
    ).update(
        status=Certificate.Status.REVOKED,
        revoked_at=timezone.now(),
        revoked_by=by,
        revocation_reason=reason,
    )
    if not updated:
        raise CertificateError("the certificate is already revoked or superseded")
    certificate.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CERT_REVOKED,
        subject=certificate.user,
        detail={"serial": certificate.serial},
    )
    return certificate


# --- Erasure (DSGVO Art. 17) ------------------------------------------------------------


@transaction.atomic
def certificates_erase_for_person(*, user: User) -> int:
    """Make every certificate of an erased person "no longer available"; returns how many.

    The rows stay (counts per course, serials without gaps), but the name and the free-text
    reasons are blanked, the PDF and its SHA-256 removed (so the upload check finds nothing and
    the stored file is deleted once the erasure commits) and ``erased_at`` set: the
    verification page, the download and the Open Badge are gone, and so are finished ZIP
    exports of their units. Runs from the registry of personal data
    (``certificates.personal_data``) inside ``person_erase``'s transaction, while the person's
    memberships still exist.
    """
    certificates = Certificate.objects.filter(user=user, erased_at__isnull=True)
    files = list(certificates.exclude(pdf="").values_list("pdf", flat=True))
    count = certificates.update(
        erased_at=timezone.now(),
        learner_name="",
        revocation_reason="",
        correction_reason="",
        correction_proposed_name="",
        correction_proposed_reason="",
        pdf="",
        sha256="",
    )
    # Finished ZIPs of the person's units (and their ancestors) may hold their PDFs: gone too
    # (the requester can build a new one; one still being built reads only available rows).
    exports = CertificateExport.objects.filter(
        organisation__path__in=unit_paths_of(user), status=CertificateExport.Status.READY
    )
    files += list(exports.exclude(file="").values_list("file", flat=True))
    exports.delete()
    stored_files_delete_after_commit(files)
    return count


# --- Expiry reminders and recertification --------------------------------------------------


def _reminder_kind(days_left: int) -> str | None:
    if days_left <= 30:
        return CertificateReminder.Kind.DAYS_30
    if days_left <= 90:
        return CertificateReminder.Kind.DAYS_90
    return None


def certificate_reminders_send(*, today: date | None = None) -> int:
    """Send the 90- and 30-day expiry reminders due today, each at most once per certificate
    (the ``CertificateReminder`` row and the mails share one transaction). Returns how many."""
    today = today or timezone.localdate()
    candidates = (
        Certificate.objects.available()
        .filter(
            status=Certificate.Status.ISSUED,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=90),
        )
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for certificate in candidates:
        kind = _reminder_kind((certificate.valid_until - today).days)
        if kind is None or certificate.reminders.filter(kind=kind).exists():
            continue
        try:
            with transaction.atomic():
                CertificateReminder.objects.create(certificate=certificate, kind=kind)
                _send_reminder(certificate, kind)
        except IntegrityError:  # another beat run sent it
            continue
        sent += 1
    return sent


def _send_reminder(certificate: Certificate, kind: str) -> None:
    until = format_date_de(certificate.valid_until)
    course_path = certificate.course.url if certificate.course else "/"
    subject = f"Zertifikat läuft ab: {certificate.course_title}"
    notified = notify(
        user=certificate.user,
        kind=NoticeKind.CERTIFICATE_EXPIRING,
        key=f"certificate:{certificate.pk}:expiring:{kind}",
        subject=subject,
        text=f"Gültig bis {until}. Sie können die Rezertifizierung jetzt starten.",
        url=course_path,
    )
    if notified.mail_now:
        send_mail(
            subject,
            f"Guten Tag {certificate.learner_name},\n\n"
            f"Ihr Zertifikat {certificate.serial} für „{certificate.course_title}“ ist gültig "
            f"bis {until}. Sie können die Rezertifizierung jetzt starten: "
            f"{settings.SITE_URL}{course_path}\n\nIhr Kommunal-Campus",
            None,
            [certificate.user.email],
        )
    hr = [person.email for person in hr_contacts_of(certificate.user)]
    if hr:
        send_mail(
            f"Zertifikat läuft ab: {certificate.learner_name} – {certificate.course_title}",
            f"Das Zertifikat {certificate.serial} von {certificate.learner_name} für "
            f"„{certificate.course_title}“ ist gültig bis {until}.\n\nIhr Kommunal-Campus",
            None,
            hr,
        )


def recertification_due(certificate: Certificate, today: date | None = None) -> bool:
    """Expired, or expiring within 90 days: the course offers a new cycle."""
    if certificate.valid_until is None or certificate.status != Certificate.Status.ISSUED:
        return False
    today = today or timezone.localdate()
    return certificate.valid_until <= today + timedelta(days=RECERTIFY_WINDOW_DAYS)


@transaction.atomic
def enrolment_recertify(*, user: User, course: CoursePage) -> Enrolment:
    """Start the next cycle of a course whose certificate is expired or about to expire.
    Idempotent: a cycle already started is returned."""
    latest = Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()
    if latest is None:
        raise CertificateError("not enrolled in this course")
    if latest.status != Enrolment.Status.COMPLETED:
        return latest
    certificate = Certificate.objects.current().filter(enrolment=latest).first()
    if certificate is None or not recertification_due(certificate):
        raise CertificateError("no certificate due for recertification")
    return enrolment_next_cycle(enrolment=latest)


# --- ZIP export ----------------------------------------------------------------------------


@transaction.atomic
def certificate_export_request(*, user: User, organisation: Organisation) -> CertificateExport:
    """Ask for a ZIP of a large unit; a Celery task builds it. Permission: the caller checked
    that ``organisation`` is visible to ``user``."""
    from .tasks import certificate_export_build_task

    export = CertificateExport.objects.create(organisation=organisation, requested_by=user)
    transaction.on_commit(functools.partial(certificate_export_build_task.delay, export.pk))
    return export


def certificate_export_build(*, export_id: int) -> CertificateExport:
    """Write the ZIP into storage, reporting progress; a rerun rebuilds it (idempotent)."""
    from .archive import zip_archive_chunks
    from .selectors import certificates_for_export

    export = CertificateExport.objects.select_related("organisation", "requested_by").get(
        pk=export_id
    )
    if export.status == CertificateExport.Status.READY:
        return export
    certificates = certificates_for_export(export.requested_by, export.organisation)
    total = certificates.count()
    CertificateExport.objects.filter(pk=export.pk).update(total=total, done=0)

    def progress(count: int) -> None:
        if count % 50 == 0 or count == total:
            CertificateExport.objects.filter(pk=export.pk).update(done=count)

    name = f"exports/{secrets.token_urlsafe(24)}.zip"
    with default_storage.open(name, "wb") as handle:
        for chunk in zip_archive_chunks(certificates.iterator(chunk_size=500), progress):
            handle.write(chunk)
    CertificateExport.objects.filter(pk=export.pk).update(
        file=name,
        status=CertificateExport.Status.READY,
        done=total,
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export
