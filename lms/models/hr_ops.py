"""HR operations: reminder bookkeeping (what was sent, once), external qualifications and the
qualification matrix exported as XLSX in the background."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exports import BackgroundExport


class ReminderSent(models.Model):
    """One reminder mail to a learner about one enrolment's due date; the unique constraint makes
    "one mail per person per reminder" hold even when two workers run the beat task at once."""

    class Kind(models.TextChoices):
        DUE_14 = "due_14", _("Due in 14 days")
        DUE_1 = "due_1", _("Due tomorrow")
        OVERDUE = "overdue", _("Overdue")
        ASSIGNED = "assigned", _("Course assigned")

    enrolment = models.ForeignKey(
        "lms.Enrolment", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField(_("Kind"), max_length=12, choices=Kind.choices)
    due_date = models.DateField(_("Due date"))
    sent_at = models.DateTimeField(_("Sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("Reminder sent")
        verbose_name_plural = _("Reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "due_date"], name="reminder_enrolment_kind_due_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.kind} {self.due_date}"


class DigestSent(models.Model):
    """The weekly HR digest sent to one user for one ISO week ("2026-W48"), at most once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(_("Week"), max_length=8)
    sent_at = models.DateTimeField(_("Sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("Digest sent")
        verbose_name_plural = _("Digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_user_week_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"


def external_qualification_path(instance, filename: str) -> str:
    """A random file name: the uploaded name never reaches the file system or a URL (the form
    has checked the content is a PDF, so the suffix is always .pdf)."""
    return f"nachweise/{uuid.uuid4().hex}.pdf"


class ExternalQualification(models.Model):
    """Proof of training taken elsewhere, standing for one course; counts once HR approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_qualifications",
        verbose_name=_("Person"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Qualification"),
        help_text=_("The course of the platform this training stands for."),
    )
    title = models.CharField(_("Title of the training"), max_length=255)
    provider = models.CharField(_("Provider"), max_length=255)
    completed_on = models.DateField(_("Completed on"))
    valid_until = models.DateField(_("Valid until"), null=True, blank=True)
    file = models.FileField(_("Proof (PDF)"), upload_to=external_qualification_path)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("External qualification")
        verbose_name_plural = _("External qualifications")
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.user_id}, {self.status})"


class MatrixExport(BackgroundExport):
    """The qualification matrix of a unit as an XLSX workbook, built by a Celery task (a city's
    40,000 rows take too long for a request); only the requester may see or download it."""

    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Organisation unit"),
    )
    # The matrix page's filter as a query string (job_profile, status, sort), checked again by
    # ``MatrixFilterForm`` when the workbook is built.
    filters = models.CharField(_("Filter settings"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Qualification overview export")
        verbose_name_plural = _("Qualification overview exports")
