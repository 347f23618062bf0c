"""HR sync: a full export of the HR system (P&I LOGA, SAP HCM, KoPers …) compared with the
platform, shown as joiners, movers, leavers and unchanged rows, and applied on confirmation.

``PeopleSync`` is one upload with its progress (checked and applied by Celery tasks);
``PeopleSyncRow`` is one line of the file with the change it means (or its German error), so HR
can page through every row before confirming, and the apply can resume where it stopped.
``PeopleSyncMapping`` remembers an organisation's column names.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import JobProfile, Organisation


class PeopleSyncMapping(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="people_sync_mapping"
    )
    name_column = models.CharField(_("Column with the name"), max_length=80, default="Name")
    email_column = models.CharField(
        _("Column with the e-mail address"), max_length=80, default="E-Mail"
    )
    unit_column = models.CharField(_("Column with the unit"), max_length=80, default="Einheit")
    job_profile_column = models.CharField(
        _("Column with the job profile"), max_length=80, default="Stellenprofil"
    )

    def __str__(self) -> str:
        return f"{self.organisation_id}"


class PeopleSync(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked: waiting for confirmation")
        APPLYING = "applying", _("Being applied")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="people_syncs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(max_length=255, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    columns = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.CHECKING, self.Status.APPLYING)


class PeopleSyncRow(models.Model):
    class Change(models.TextChoices):
        JOIN = "join", _("New")
        MOVE = "move", _("Changed")
        LEAVE = "leave", _("Left")
        SAME = "same", _("Unchanged")
        ERROR = "error", _("Error")

    sync = models.ForeignKey(PeopleSync, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(null=True, blank=True)  # empty for leavers
    change = models.CharField(max_length=5, choices=Change.choices)
    email = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)
    unit = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job_profile = models.ForeignKey(
        JobProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="people_sync_rows",
    )
    detail = models.CharField(max_length=300, blank=True)
    applied = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["sync", "change", "applied"])]
        ordering = ["change", "line", "pk"]

    def __str__(self) -> str:
        return f"{self.sync_id}:{self.line} {self.change}"
