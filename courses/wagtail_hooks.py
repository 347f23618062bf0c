"""Wagtail admin for course content: a dashboard panel that lists the lessons a trainer has to
review (review date passed, or a cited legal source changed after the lesson's state date)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from .legal_currency import lessons_to_review
from .models import CoursePage


class LessonsToReviewPanel(Component):
    name = "lessons_to_review"
    template_name = "courses/admin/lessons_to_review_panel.html"
    order = 90  # above Wagtail's own panels: this is work waiting for the trainer

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context):
        return {"items": self.items, "heading": _("Lessons to review")}


@hooks.register("construct_homepage_panels")
def add_lessons_to_review_panel(request, panels):
    """Platform admins see every flagged lesson, trainers those of their own courses."""
    user = request.user
    courses = None if user.is_superuser else CoursePage.objects.filter(responsible_trainers=user)
    items = lessons_to_review(today=timezone.localdate(), courses=courses)
    if items:
        panels.append(LessonsToReviewPanel(items))
