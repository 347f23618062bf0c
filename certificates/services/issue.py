"""Issuing certificates: one current certificate per enrolment (a partial unique constraint),
serials from a locked per-year counter, the snapshot of name, course and validity fixed at
issue; and the next cycle of a course when a certificate is due for recertification."""

from __future__ import annotations

import functools
import logging
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import CoursePage, ModulePage
from lms.dates import qualification_valid_until
from lms.models import Enrolment, User
from lms.services.learning import enrolment_next_cycle

from ..codes import new_verification_code
from ..models import (
    Certificate,
    CertificateTemplate,
    SerialCounter,
)

logger = logging.getLogger(__name__)


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


def next_serial(year: int) -> str:
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


def snapshot_fields(enrolment: Enrolment, template: CertificateTemplate) -> dict:
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


def queue_render(certificate_id: int) -> None:
    """Queue rendering after commit. A broker outage must not fail the learner's request:
    the row stays pending and ``certificate_requeue_stuck_task`` picks it up later."""
    from ..tasks import certificate_render_task

    try:
        certificate_render_task.delay(certificate_id)
    except Exception:
        logger.exception(
            "Could not queue rendering of certificate %s; left pending", certificate_id
        )


@transaction.atomic
def certificate_issue(*, enrolment: Enrolment) -> tuple[Certificate | None, bool]:
    """Create the certificate of a completed enrolment (snapshot frozen, status pending) and
    queue its rendering on commit. Returns ``(certificate, created)``; idempotent; ``(None,
    False)`` while the person's name waits for HR's confirmation.

    Called from the ``enrolment_completed`` receiver, inside the completing transaction.
    """
    existing = Certificate.objects.current().filter(enrolment=enrolment).first()
    if existing is not None:
        return existing, False
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise CertificateError("the enrolment is not completed")
    if not enrolment.user.certificate_name:
        # A self-registered person's typed name is not confirmed yet: no certificate carries
        # it. The certificate is issued when HR confirms the name (``issue_held``).
        return None, False
    course = CoursePage.objects.get(pk=enrolment.course_id)
    template = template_for_course(course)
    fields = snapshot_fields(enrolment, template)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrolment=enrolment,
                user_id=enrolment.user_id,
                course_id=enrolment.course_id,
                template=template,
                serial=next_serial(fields["issued_on"].year),
                code=new_verification_code(),
                **fields,
            )
    except IntegrityError:  # a concurrent completion issued it first
        return Certificate.objects.current().get(enrolment=enrolment), False
    transaction.on_commit(functools.partial(queue_render, certificate.pk))
    return certificate, True


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
