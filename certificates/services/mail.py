"""Mails about certificates — "your certificate is ready" and the 90/30-day expiry reminders
to the holder and their HR contacts — each sent at most once, in the recipient's language,
from the templates under ``certificates/mail/``."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.selectors.organisations import hr_contacts_of
from lms.services.notifications import Kind as NoticeKind
from lms.services.notifications import notify

from ..models import (
    Certificate,
    CertificateReminder,
)


def certificate_mail_message(certificate: Certificate) -> tuple[str, str]:
    """Subject and body of the "your certificate is ready" mail, in the holder's language."""
    with translation.override(certificate.user.preferred_language):
        subject = _("Your certificate: %(course)s") % {"course": certificate.course_title}
        body = render_to_string(
            "certificates/mail/issued.txt",
            {
                "certificate": certificate,
                "list_url": settings.SITE_URL + reverse("certificate_list"),
            },
        )
    return subject, body


def certificate_issued_notify(certificate: Certificate) -> tuple[str, str] | None:
    """Record the "certificate issued" notification (once per certificate) and return the
    mail's subject and body if the holder wants it by mail at once; None otherwise. Single and
    batch issuance both go through here, so every issued certificate reaches the notification
    centre."""
    subject, body = certificate_mail_message(certificate)
    notified = notify(
        user=certificate.user,
        kind=NoticeKind.CERTIFICATE_ISSUED,
        key=f"certificate:{certificate.pk}:issued",
        subject=subject,
        url=reverse("certificate_list"),
    )
    return (subject, body) if notified.mail_now else None


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
    message = certificate_issued_notify(certificate)
    if message is None:
        return False  # the person reads it in the app (or in their summary mail)
    subject, body = message
    try:
        send_mail(subject, body, None, [certificate.user.email])
    except Exception:
        Certificate.objects.filter(pk=certificate_id, mailed_at=now).update(mailed_at=None)
        raise
    return True


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
    """The holder's notice (and mail, as they chose) and one mail to each HR contact, each in
    the recipient's language."""
    holder = certificate.user
    course_path = certificate.course.url if certificate.course else "/"
    with translation.override(holder.preferred_language):
        until = date_format(certificate.valid_until, "SHORT_DATE_FORMAT")
        subject = _("Certificate expiring: %(course)s") % {"course": certificate.course_title}
        notified = notify(
            user=holder,
            kind=NoticeKind.CERTIFICATE_EXPIRING,
            key=f"certificate:{certificate.pk}:expiring:{kind}",
            subject=subject,
            text=_("Valid until %(date)s. You can start the recertification now.")
            % {"date": until},
            url=course_path,
        )
        if notified.mail_now:
            body = render_to_string(
                "certificates/mail/expiring.txt",
                {
                    "certificate": certificate,
                    "until": until,
                    "course_url": settings.SITE_URL + course_path,
                },
            )
            send_mail(subject, body, None, [holder.email])
    hr_url = settings.SITE_URL + reverse("hr_employee", kwargs={"user_id": holder.pk})
    for contact in hr_contacts_of(holder):
        with translation.override(contact.preferred_language):
            until = date_format(certificate.valid_until, "SHORT_DATE_FORMAT")
            subject = _("Certificate expiring: %(holder)s – %(course)s") % {
                "holder": certificate.learner_name,
                "course": certificate.course_title,
            }
            body = render_to_string(
                "certificates/mail/expiring_hr.txt",
                {"certificate": certificate, "contact": contact, "until": until, "hr_url": hr_url},
            )
            send_mail(subject, body, None, [contact.email])
