"""Data protection: an append-only log of who viewed, exported or erased whose records.

Org admins read it (``/personal/einheit/<id>/protokoll/``); rows refuse updates and deletes, like
``LearningStatement``. Foreign keys are ``SET_NULL`` so that erasing a person or a unit keeps the
fact that something happened.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One access to personal records: who (actor) did what (action) to whose record (subject)."""

    class Action(models.TextChoices):
        VIEWED_MATRIX = "viewed_matrix", _("Viewed the qualification overview")
        VIEWED_EMPLOYEE = "viewed_employee", _("Viewed an employee record")
        EXPORTED_MATRIX = "exported_matrix", _("Exported the qualification overview")
        DATA_EXPORT = "data_export", _("Downloaded own data")
        ERASED = "erased", _("Erased a person")
        IMPORTED_PEOPLE = "imported_people", _("Imported people")
        ASSIGNED = "assigned", _("Assigned a course")
        ASSIGNMENT_CHANGED = "assignment_changed", _("Changed an assignment")
        ASSIGNMENT_CANCELLED = "assignment_cancel", _("Cancelled an assignment")
        MEMBERSHIP_CHANGED = "membership_changed", _("Changed a membership or role")
        MEMBERSHIP_ENDED = "membership_ended", _("Ended a membership")
        CERT_REVOKED = "cert_revoked", _("Revoked a certificate")
        CERT_CORRECTED = "cert_corrected", _("Corrected a certificate")
        NAME_CONFIRMED = "name_confirmed", _("Confirmed a name change")
        NAME_REJECTED = "name_rejected", _("Rejected a name change")
        INVITED = "invited", _("Sent an invitation")
        EXAM_TIME = "exam_time_extension", _("Granted extra exam time")
        DIRECTORY_CHANGED = "directory_changed", _("Directory (SCIM) changed a person")
        DIRECTORY_TOKEN = "directory_token", _("Created or revoked a directory token")
        REGISTRATION_DECIDED = "registration", _("Decided a self-registration")
        EMAIL_DOMAIN = "email_domain", _("Added or verified an e-mail domain")
        IDENTITY_PROVIDER = "identity_provider", _("Registered or changed a single sign-on")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Done by"),
    )
    action = models.CharField(_("Action"), max_length=20, choices=Action.choices)
    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Organisation unit"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person concerned"),
    )
    detail = models.JSONField(_("Details"), default=dict, blank=True)
    timestamp = models.DateTimeField(_("Time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit log")
        ordering = ["-timestamp", "-pk"]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit events are append-only.")
