"""One review per course: a trainer submits every changed page of a course (the course, its
modules, lessons and quizzes) in one go; a second trainer reads what changed since the
published version, page by page, and approves or rejects the whole once.

A review holds, per page, the revision submitted and the revision that was live then (the
base of the diff). Saving a newer revision of a page under review moves that item to the new
revision and records who saved it: they become an author, and an approval sent for what a
reviewer saw before the change is refused (``courses.reviews``). Approving publishes exactly
the revisions the review holds, in tree order.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseReview(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Changes requested")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField(_("Note to the reviewers"), blank=True)
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a page under review was saved again."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("Comment"), blank=True)

    class Meta:
        verbose_name = _("Course review")
        verbose_name_plural = _("Course reviews")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(status="open"),
                name="course_review_one_open_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.status}"


class CourseReviewItem(models.Model):
    review = models.ForeignKey(CourseReview, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.CASCADE, related_name="+")
    live_revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "page"], name="course_review_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review_id}: page {self.page_id} revision {self.revision_id}"
