"""Every write of the certificates app, one concern per module: ``issue`` (issue, serials,
recertification), ``render`` (PDF, storage, stuck renders), ``mail`` (ready and expiry mails),
``corrections`` (name correction, re-issue, revoke), ``erasure`` (DSGVO), ``exports`` (ZIP).
This package re-exports their public functions, so callers import from ``certificates.services``.

"Only once" rests on the database: one current certificate per enrolment (a partial unique
constraint), unique serial and code, a conditional UPDATE for storing the PDF and for claiming
the mail, and a unique ``CertificateReminder`` row per threshold. Work that leaves the database
(rendering, mail) is queued with ``transaction.on_commit`` so a rollback leaves nothing behind.
"""

from .corrections import (
    certificate_correction_confirm,
    certificate_correction_propose,
    certificate_correction_withdraw,
    certificate_reissue,
    certificate_revoke,
    check_certificate_correction,
)
from .erasure import certificates_erase_for_person
from .exports import certificate_export_build, certificate_export_request
from .issue import (
    RECERTIFY_WINDOW_DAYS,
    CertificateError,
    certificate_issue,
    certificate_template_default,
    enrolment_recertify,
    lock_serial_counters,
    next_serial,
    queue_render,
    recertification_due,
    snapshot_fields,
    take_serial,
    template_for_course,
)
from .mail import (
    certificate_issued_notify,
    certificate_mail,
    certificate_mail_message,
    certificate_reminders_send,
)
from .render import (
    certificate_pdf_bytes,
    certificate_pdf_store,
    certificate_render,
    certificate_snapshot,
    certificates_requeue_stuck,
)

__all__ = [
    "CertificateError",
    "RECERTIFY_WINDOW_DAYS",
    "certificate_correction_confirm",
    "certificate_correction_propose",
    "certificate_correction_withdraw",
    "certificate_export_build",
    "certificate_export_request",
    "certificate_issue",
    "certificate_issued_notify",
    "certificate_mail",
    "certificate_mail_message",
    "certificate_pdf_bytes",
    "certificate_pdf_store",
    "certificate_reissue",
    "certificate_reminders_send",
    "certificate_render",
    "certificate_revoke",
    "certificate_snapshot",
    "certificate_template_default",
    "certificates_erase_for_person",
    "certificates_requeue_stuck",
    "snapshot_fields",
    "check_certificate_correction",
    "enrolment_recertify",
    "lock_serial_counters",
    "next_serial",
    "queue_render",
    "recertification_due",
    "take_serial",
    "template_for_course",
]
