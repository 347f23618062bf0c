"""Issuing many certificates at once: backfills, imported completions, a whole cohort.

The per-completion path (``services.certificate_issue`` → one render task per certificate) costs
two Celery messages and about a dozen queries per certificate; for thousands of certificates
that overhead outweighs rendering itself. Here one task takes a batch of enrolments: their rows
are created together (one lock on the serial counter, one INSERT), then the batch is rendered,
signed and stored, and the mails go out over one connection.

The guarantees are the same as for single issues: one current certificate per enrolment (the
batch checks under the counter lock, which every issue takes before inserting), gap-free serials,
PDFs stored by conditional UPDATE, each mail claimed before it is sent. Re-running a batch
changes nothing that is done.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage
from lms.models import Enrolment

from .codes import new_verification_code
from .models import Certificate
from .services import (
    certificate_issued_notify,
    certificate_pdf_bytes,
    certificate_pdf_store,
    lock_serial_counters,
    snapshot_fields,
    take_serial,
    template_for_course,
)


@transaction.atomic
def certificates_issue_many(*, enrolment_ids: list[int]) -> list[int]:
    """Create the pending certificates of the completed enrolments among ``enrolment_ids`` that
    have none yet; returns the ids of all their current certificates (new and existing).

    Deactivated accounts (erased people among them) get none: a backfill must not issue a
    certificate to a person who asked to be forgotten. Nor does a self-registered person whose
    name HR has not confirmed (``issue_held`` issues theirs on confirmation)."""
    enrolments = list(
        Enrolment.objects.filter(
            pk__in=enrolment_ids, status=Enrolment.Status.COMPLETED, user__is_active=True
        )
        .select_related("user", "content_revision")
        .order_by("pk")
    )
    issued_on = {e.pk: timezone.localdate(e.completed_at or timezone.now()) for e in enrolments}
    counters = lock_serial_counters({day.year for day in issued_on.values()})
    # Under the locks: a concurrent single issue has either committed its row or not begun it.
    existing = set(
        Certificate.objects.current()
        .filter(enrolment_id__in=[e.pk for e in enrolments])
        .values_list("enrolment_id", flat=True)
    )
    courses = {c.pk: c for c in CoursePage.objects.filter(pk__in={e.course_id for e in enrolments})}
    templates = {pk: template_for_course(course) for pk, course in courses.items()}
    shared = {}  # course, modules, revision and template fields repeat across the batch
    new = []
    for enrolment in enrolments:
        if enrolment.pk in existing or not enrolment.user.certificate_name:
            continue  # issued already, or held until HR confirms a self-registered name
        key = (enrolment.course_id, enrolment.content_revision_id, issued_on[enrolment.pk])
        if key not in shared:
            shared[key] = snapshot_fields(enrolment, templates[enrolment.course_id])
        new.append(
            Certificate(
                enrolment=enrolment,
                user_id=enrolment.user_id,
                course_id=enrolment.course_id,
                template=templates[enrolment.course_id],
                serial=take_serial(counters[issued_on[enrolment.pk].year]),
                code=new_verification_code(),
                **{**shared[key], "learner_name": enrolment.user.certificate_name},
            )
        )
    for counter in counters.values():
        counter.save(update_fields=["last_number"])
    Certificate.objects.bulk_create(new)
    return list(
        Certificate.objects.current()
        .filter(enrolment_id__in=enrolment_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def certificates_render_many(*, certificate_ids: list[int]) -> int:
    """Render, sign and store the PDFs of those certificates that have none; returns how many
    were stored. A certificate another worker stored meanwhile keeps that worker's file."""
    stored = 0
    for certificate in Certificate.objects.filter(
        pk__in=certificate_ids, pdf="", erased_at__isnull=True
    ):
        stored += certificate_pdf_store(certificate, certificate_pdf_bytes(certificate))
    return stored


def certificates_mail_many(*, certificate_ids: list[int]) -> int:
    """Mail each learner their certificate link, at most once, over one connection.

    The mails are claimed (``mailed_at``) in one UPDATE of rows locked with SKIP LOCKED, so a
    redelivered batch does not mail twice; a failed send releases the claims not yet sent.
    """
    now = timezone.now()
    with transaction.atomic():
        claimable = (
            Certificate.objects.awaiting_mail()
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=certificate_ids)
            .select_related("user")
        )
        certificates = list(claimable)
        Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(mailed_at=now)
    unsent = {c.pk for c in certificates}
    try:
        with get_connection() as connection:
            for certificate in certificates:
                message = certificate_issued_notify(certificate)  # in the app in any case
                if message is not None:
                    connection.send_messages(
                        [EmailMessage(*message, None, [certificate.user.email])]
                    )
                unsent.discard(certificate.pk)
    finally:
        if unsent:
            Certificate.objects.filter(pk__in=unsent, mailed_at=now).update(mailed_at=None)
    return len(certificates)


BATCH_SIZE = 50


def certificates_queue_missing(
    *, course_id: int | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Queue ``certificates.issue_batch`` for every completed enrolment without a current
    certificate (after an import of completions, or when issuing was switched off); returns the
    number of enrolments queued."""
    from .tasks import certificates_issue_batch_task

    missing = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, user__is_active=True
    ).exclude(certificates__in=Certificate.objects.current())
    if course_id is not None:
        missing = missing.filter(course_id=course_id)
    ids = list(missing.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        certificates_issue_batch_task.delay(ids[start : start + batch_size])
    return len(ids)
