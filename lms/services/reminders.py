"""Reminder mails: learners before and after an enrolment's due date, HR a weekly digest.

"Only once" is backed by the unique constraints on ``ReminderSent`` and ``DigestSent``: a row is
claimed first (its own savepoint; an ``IntegrityError`` means someone already sent it) and the mail
goes out only after that row is committed, via ``transaction.on_commit``. If sending fails, the
row is deleted again, so the next run of the beat task sends the mail instead of skipping it.
Date windows (not exact days) make a missed beat run catch up the next day.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import DigestSent, Enrolment, ExternalQualification, ReminderSent, User
from ..selectors import organisations_visible_to
from ..selectors.hr.dashboard import hr_dashboard
from ..selectors.organisations import HR_CONTACT_ROLES
from .notifications import Kind, notify

logger = logging.getLogger(__name__)

HR_ROLES = HR_CONTACT_ROLES  # one rule for "HR contacts" (lms.selectors.organisations)


def _send_claimed(*, row: models.Model, message: EmailMessage) -> None:
    """Send ``message`` for an already committed claim ``row``; release the claim on failure."""
    try:
        message.send()
    except Exception:
        logger.exception("Reminder mail (claim %s) failed; released for the next run", row.pk)
        row.delete()


def _claim(model, **fields) -> models.Model | None:
    """Create the "sent" row, or return None when it exists (the mail was sent before)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


def _message(*, user: User, subject: str, template: str, context: dict) -> EmailMessage:
    body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
    return EmailMessage(subject=subject, body=body, to=[user.email])


def reminder_kind(*, due_date: date, today: date) -> str | None:
    """Which reminder is due for an open enrolment: 14 days ahead, the day before, overdue."""
    days_left = (due_date - today).days
    if days_left < 0:
        return ReminderSent.Kind.OVERDUE
    if days_left <= 1:
        return ReminderSent.Kind.DUE_1
    if days_left <= 14:
        return ReminderSent.Kind.DUE_14
    return None


def reminders_send_due(*, today: date | None = None) -> int:
    """Mail learners whose open enrolment is due within 14 days, tomorrow, or overdue; each
    (enrolment, kind, due date) at most once. Returns the number of mails queued."""
    today = today or timezone.localdate()
    approved_external = ExternalQualification.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        user_id=OuterRef("user_id"),
        course_id=OuterRef("course_id"),
        status=ExternalQualification.Status.APPROVED,
    )
    enrolments = (
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE,
            due_date__isnull=False,
            due_date__lte=today + timedelta(days=14),
            user__is_active=True,
        )
        .exclude(Exists(approved_external))
        .select_related("user", "course")
        .order_by("pk")
    )
    queued = 0
    for enrolment in enrolments:
        kind = reminder_kind(due_date=enrolment.due_date, today=today)
        row = _claim(ReminderSent, enrolment=enrolment, kind=kind, due_date=enrolment.due_date)
        if row is None:
            continue
        user = enrolment.user
        with translation.override(user.preferred_language):
            subjects = {
                ReminderSent.Kind.DUE_14: _("Reminder: “%(course)s” is due on %(date)s"),
                ReminderSent.Kind.DUE_1: _("Tomorrow: “%(course)s” is due on %(date)s"),
                ReminderSent.Kind.OVERDUE: _("Overdue: “%(course)s” was due on %(date)s"),
            }
            subject = subjects[kind] % {
                "course": enrolment.course.title,
                "date": enrolment.due_date.strftime("%d.%m.%Y"),
            }
        notified = notify(
            user=user,
            kind=Kind.OVERDUE if kind == ReminderSent.Kind.OVERDUE else Kind.DUE_SOON,
            key=f"enrolment:{enrolment.pk}:{kind}:{enrolment.due_date.isoformat()}",
            subject=subject,
            url=enrolment.course.url,
        )
        if not notified.mail_now:
            continue  # in the app (or in the person's summary mail) only
        with translation.override(user.preferred_language):
            message = _message(
                user=user,
                subject=subject,
                template="lms/mail/reminder.txt",
                context={
                    "enrolment": enrolment,
                    "kind": kind,
                    "dashboard_url": settings.SITE_URL + reverse("learning_dashboard"),
                },
            )
        transaction.on_commit(
            lambda row=row, message=message: _send_claimed(row=row, message=message)
        )
        queued += 1
    return queued


ASSIGNED_MAIL_DAYS = 7  # newly assigned enrolments younger than this are told (catch-up window)


def assigned_mails_send(*, today: date | None = None, assignment_id: int | None = None) -> int:
    """Tell learners that a mandatory course was assigned to them, with its due date: once per
    enrolment (``ReminderSent`` kind "assigned"), for enrolments assigned in the last
    ``ASSIGNED_MAIL_DAYS`` days (right after an assignment, and hourly by the beat task for
    newcomers whom an assignment reached when they joined). Returns the number of mails queued."""
    today = today or timezone.localdate()
    since = timezone.now() - timedelta(days=ASSIGNED_MAIL_DAYS)
    enrolments = (
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE,
            source=Enrolment.Source.ASSIGNED,
            due_date__isnull=False,
            enrolled_at__gte=since,
            user__is_active=True,
        )
        .exclude(reminders_sent__kind=ReminderSent.Kind.ASSIGNED)
        .select_related("user", "course", "assignment__organisation")
        .order_by("pk")
    )
    if assignment_id is not None:
        enrolments = enrolments.filter(assignment_id=assignment_id)
    queued = 0
    for enrolment in enrolments.iterator(chunk_size=1000):
        row = _claim(
            ReminderSent,
            enrolment=enrolment,
            kind=ReminderSent.Kind.ASSIGNED,
            due_date=enrolment.due_date,
        )
        if row is None:
            continue
        user = enrolment.user
        with translation.override(user.preferred_language):
            subject = _("Mandatory course assigned: “%(course)s”, due on %(date)s") % {
                "course": enrolment.course.title,
                "date": enrolment.due_date.strftime("%d.%m.%Y"),
            }
        notify(  # mandatory: always by mail too
            user=user,
            kind=Kind.ASSIGNED,
            key=f"enrolment:{enrolment.pk}:assigned",
            subject=subject,
            url=enrolment.course.url,
        )
        with translation.override(user.preferred_language):
            message = _message(
                user=user,
                subject=subject,
                template="lms/mail/assigned.txt",
                context={
                    "enrolment": enrolment,
                    "course_url": settings.SITE_URL + enrolment.course.url,
                    "dashboard_url": settings.SITE_URL + reverse("learning_dashboard"),
                },
            )
        transaction.on_commit(
            lambda row=row, message=message: _send_claimed(row=row, message=message)
        )
        queued += 1
    return queued


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def hr_units_of(user: User):
    """The top-most units a user holds an HR role on, still backed by a guardian permission."""
    units = list(
        organisations_visible_to(user)
        .filter(memberships__user=user, memberships__role__in=HR_ROLES)
        .order_by("path")
        .distinct()
    )
    top = []
    for unit in units:
        if not any(unit.path.startswith(parent.path) for parent in top):
            top.append(unit)
    return top


def digest_send_weekly(*, today: date | None = None) -> int:
    """Mail each HR user (role hr or org_admin) the overdue and expiring (≤ 90 days) items of
    their own organisations, once per ISO week. Returns the number of mails queued."""
    today = today or timezone.localdate()
    week = iso_week(today)
    hr_users = (
        User.objects.filter(is_active=True, memberships__role__in=HR_ROLES)
        .distinct()
        .order_by("pk")
    )
    queued = 0
    for user in hr_users:
        sections = []
        for unit in hr_units_of(user):
            figures = hr_dashboard(unit)
            if figures["overdue"] or figures["expiring"]:
                sections.append((unit, figures))
        if not sections:
            continue
        row = _claim(DigestSent, user=user, week=week)
        if row is None:
            continue
        with translation.override(user.preferred_language):
            message = _message(
                user=user,
                subject=_("Weekly overview: overdue and expiring qualifications (%(week)s)")
                % {"week": week},
                template="lms/mail/hr_digest.txt",
                context={"sections": sections, "week": week},
            )
        transaction.on_commit(
            lambda row=row, message=message: _send_claimed(row=row, message=message)
        )
        queued += 1
    return queued
