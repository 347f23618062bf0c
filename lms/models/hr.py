"""HR: mandatory course assignments for a unit, a job profile or named people."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A mandatory course with a due date. People who join the unit (or get the job profile)
    later are assigned automatically (``lms.services.hr.assignments_apply_to_member``)."""

    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("Organisation unit"),
        help_text=_("The unit whose people (including sub-units) the course is assigned to."),
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("Course")
    )
    job_profile = models.ForeignKey(
        "lms.JobProfile",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("Only for job profile"),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("Only for these people"),
    )
    due_date = models.DateField(_("Due date"), null=True, blank=True)
    due_days_after_joining = models.PositiveSmallIntegerField(
        _("Due days after joining"), null=True, blank=True
    )
    recurrence_months = models.PositiveSmallIntegerField(
        _("Repeat every (months)"),
        null=True,
        blank=True,
        help_text=_("For example 24: the course must be repeated every two years."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("Cancelled on"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Cancelled by"),
    )

    class Meta:
        verbose_name = _("Assignment")
        verbose_name_plural = _("Assignments")

    def __str__(self) -> str:
        return f"{self.course_id} → {self.organisation}"

    def clean(self):
        if bool(self.due_date) == bool(self.due_days_after_joining):
            raise ValidationError(
                _("Give either a fixed due date or a number of days after joining.")
            )


class QualificationStatus(models.Model):
    """The stored cell of the qualification matrix for one (person, course): one row per course
    required of the person (job profile or assignment) or that they hold or are enrolled in.

    Derived data: written only by ``lms.services.qualification_status`` from the live cell
    rules (``qualification_cells_live``), so the matrix, its counts, filters
    and exports read indexed rows instead of computing every cell per request."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualification_statuses"
    )
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16)
    required = models.BooleanField(default=False)
    valid_until = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    enrolment = models.ForeignKey(
        "lms.Enrolment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Qualification status")
        verbose_name_plural = _("Qualification statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="qualification_status_user_course_unique"
            ),
        ]
        indexes = [
            # Covers the matrix: status filters (status, course → people) and the per-(course,
            # status, required) aggregate of a unit's people, as index-only scans.
            models.Index(fields=["status", "course", "user", "required"], name="qualstatus_matrix"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.course_id}: {self.status}"


class UnitMember(models.Model):
    """Whom a unit's qualification matrix lists: one row per person and unit they belong to,
    directly or through a unit below it (``job_profile`` None), and one per job profile they
    hold in such a membership. Derived from the memberships by
    ``lms.services.qualification_status`` (with the name copied as the sort key), so the page
    of people is a range of one index instead of a join of memberships and units per request."""

    organisation = models.ForeignKey("lms.Organisation", on_delete=models.CASCADE, related_name="+")
    job_profile = models.ForeignKey(
        "lms.JobProfile", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The name folded for sorting and search, family name first (``lms.names.name_sort_key``).
    sort_key = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("Unit member (matrix)")
        verbose_name_plural = _("Unit members (matrix)")
        indexes = [
            # The matrix page: one unit (and job profile), ordered by name, LIMIT/OFFSET. The
            # "everyone" rows get their own partial index: PostgreSQL does not read the order of
            # ``full_name`` from an index after an ``IS NULL`` condition and would sort instead.
            models.Index(
                fields=["organisation", "sort_key", "user"],
                condition=models.Q(job_profile__isnull=True),
                name="unitmember_page_all",
            ),
            models.Index(
                fields=["organisation", "job_profile", "sort_key", "user"],
                name="unitmember_page",
            ),
            models.Index(fields=["user"], name="unitmember_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organisation_id} ({self.job_profile_id})"


class UnitStatusCount(models.Model):
    """How many stored cells of each (course, status, required) the people of a unit (and job
    profile) have, and how many people it has (``course`` None, ``status`` empty): the matrix's
    columns and status counts without touching the cells. Written as signed changes (insert
    only, so concurrent learners never wait on a shared counter row) and summed on read;
    ``unit_status_counts_compact`` folds them into one row per key."""

    organisation = models.ForeignKey("lms.Organisation", on_delete=models.CASCADE, related_name="+")
    job_profile = models.ForeignKey(
        "lms.JobProfile", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, blank=True)
    required = models.BooleanField(default=False)
    change = models.IntegerField()

    class Meta:
        verbose_name = _("Unit status count")
        verbose_name_plural = _("Unit status counts")
        indexes = [models.Index(fields=["organisation", "job_profile"], name="unitcount_unit")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.job_profile_id}: {self.course_id} {self.status}"
