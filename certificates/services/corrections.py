"""Changing an issued certificate: a name correction proposed by the learner and confirmed
by HR, re-issue with a new serial, and revocation (the verify page says so at once)."""

from __future__ import annotations

import functools

from django.db import transaction
from django.utils import timezone

from lms.models import AuditEvent, User
from lms.services.audit import audit_record
from lms.services.names import name_set_from_source

from ..codes import new_verification_code
from ..models import (
    Certificate,
)
from .issue import CertificateError, next_serial, queue_render


def _end_current(certificate: Certificate, **changes) -> bool:
    """End a current certificate (pending or issued, holder not erased) in one conditional
    UPDATE: a concurrent correction or revocation finds it ended and changes nothing."""
    return bool(
        Certificate.objects.filter(
            pk=certificate.pk,
            status__in=[Certificate.Status.PENDING, Certificate.Status.ISSUED],
            erased_at__isnull=True,
        ).update(**changes)
    )


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
    updated = _end_current(
        certificate,
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
        serial=next_serial(timezone.localdate().year),
        code=new_verification_code(),
        learner_name=learner_name,
        **snapshot,
    )
    Certificate.objects.filter(pk=old.pk).update(superseded_by=new)
    # HR corrected the name from the record: later certificates carry it too.
    name_set_from_source(user=old.user, name=learner_name, source=User.NameSource.HR)
    transaction.on_commit(functools.partial(queue_render, new.pk))
    certificate.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CERT_CORRECTED,
        subject=old.user,
        detail={"serial": old.serial, "new_serial": new.serial},
    )
    return new


# --- Revoke --------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate with a reason; the verification page says so at once.

    Permission (HR scope or superuser) is checked by the caller through the selectors.
    """
    reason = reason.strip()
    if not reason:
        raise CertificateError("a reason is required")
    updated = _end_current(
        certificate,
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
