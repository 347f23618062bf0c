"""Enrolment, lesson progress, quiz attempts and the learning record.

Content lives in Wagtail pages (``courses``); rows here point at those pages but keep what a
learner did even when a trainer later edits or deletes a lesson (``SET_NULL`` plus a copied
title). Completion is decided by ``lms.services.learning`` only.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A person taking one course (self-enrolled or assigned by HR)."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("Person"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("Course"),
    )
    cycle = models.PositiveSmallIntegerField(
        _("Cycle"), default=1, help_text=_("Counts recertifications of the same course.")
    )
    # xAPI ``context.registration``: one UUID per enrolment cycle, so a learning record store
    # can tell a recertification's statements from the first run's.
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(
        _("Enrolled via"), max_length=12, choices=Source.choices, default=Source.SELF
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    due_date = models.DateField(_("Due date"), null=True, blank=True)
    assignment = models.ForeignKey(
        "lms.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("Assignment"),
    )
    enrolled_at = models.DateTimeField(_("Enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("Completed at"), null=True, blank=True)
    # Fixed once at completion from the course's validity (lms.dates): the certificate, the HR
    # matrix, exports and reminders all read this date.
    valid_until = models.DateField(_("Valid until"), null=True, blank=True)
    # The last learning heartbeat from any lesson of this enrolment: active time is counted
    # on the wall clock of the enrolment, so parallel tabs or lessons never add up.
    last_heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Last opened page"),
    )
    content_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Content version at completion"),
    )

    class Meta:
        verbose_name = _("Enrolment")
        verbose_name_plural = _("Enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "cycle"], name="enrolment_user_course_cycle_unique"
            ),
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.course_id} ({self.status})"

    def save(self, *args, **kwargs):
        """A completed enrolment written directly (demo data, imports) gets its validity by the
        same rule as one completed by learning (``enrolment_complete``)."""
        update_fields = kwargs.get("update_fields")
        if (
            self.status == self.Status.COMPLETED
            and self.completed_at
            and self.valid_until is None
            and (update_fields is None or "valid_until" in update_fields)
        ):
            self.valid_until = self.qualification_valid_until()
        super().save(*args, **kwargs)

    def qualification_valid_until(self):
        from ..dates import qualification_valid_until

        return qualification_valid_until(
            timezone.localdate(self.completed_at), self.course.certificate_validity_months
        )


class LessonProgress(models.Model):
    """What one learner did with one lesson: opened, time on task, completed."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lesson_title = models.CharField(max_length=255)
    first_opened_at = models.DateTimeField(default=timezone.now)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    active_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Lesson progress")
        verbose_name_plural = _("Lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="progress_enrolment_lesson_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_title} ({self.enrolment_id})"


class QuizAttempt(models.Model):
    """One attempt at a quiz. Submitting flips ``in_progress`` to ``submitted`` exactly once."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="quiz_attempts")
    quiz = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    quiz_title = models.CharField(max_length=255)
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    seed = models.CharField(max_length=32)
    # The questions this attempt asks, in its order (its draw from the quiz's pools); empty for
    # attempts started before draws were stored, which ask every question.
    question_ids = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    # With a time limit: when the time (with the person's extra time) runs out. Answers saved
    # later than this plus QUIZ_DEADLINE_GRACE_SECONDS do not count.
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    question_results = models.JSONField(default=dict, blank=True)
    score_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Quiz attempt")
        verbose_name_plural = _("Quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "quiz", "number"], name="attempt_enrolment_quiz_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_title} #{self.number} ({self.status})"


class LearningStatement(models.Model):
    """An append-only xAPI 1.0.3 record of a learning event (actor, verb, object, result),
    forwarded to the learning record stores configured as ``LrsEndpoint``.

    ``statement_id`` is the statement's xAPI ``id``: fixed when the row is written, so sending
    it again after an outage is harmless (a record store keeps one statement per id)."""

    statement_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.URLField(max_length=200)
    object_id = models.URLField(max_length=500)
    object_name = models.CharField(max_length=255)
    object_type = models.URLField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Learning record statement")
        verbose_name_plural = _("Learning record")
        ordering = ["timestamp", "pk"]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb.rsplit('/', 1)[-1]} {self.object_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Learning record statements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Learning record statements are append-only.")

    def as_xapi(self) -> dict:
        """The statement in xAPI 1.0.3 JSON form (``lms.xapi`` builds it)."""
        from ..xapi import statement_json

        return statement_json(self)


class ExamTimeExtension(models.Model):
    """Extra time in timed quizzes for one person (Nachteilsausgleich), granted by HR for all
    courses or by a course's responsible trainer for that course.

    No reason is stored: the need behind it is often health data (Art. 9 DSGVO), and the
    platform needs only the percentage."""

    class Extra(models.IntegerChoices):
        QUARTER = 25, _("25 % more time")
        HALF = 50, _("50 % more time")
        DOUBLE = 100, _("Double time")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exam_time_extensions",
        verbose_name=_("Person"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Course"),
        help_text=_("Empty: all courses."),
    )
    extra_percent = models.PositiveSmallIntegerField(_("Extra time"), choices=Extra.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Granted by"),
    )
    granted_at = models.DateTimeField(_("Granted on"), default=timezone.now)

    class Meta:
        verbose_name = _("Extra exam time")
        verbose_name_plural = _("Extra exam time")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="time_extension_user_course_unique"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(course__isnull=True),
                name="time_extension_user_all_courses_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: +{self.extra_percent} %"
