"""Wagtail admin for course content: a dashboard panel that lists the lessons a trainer has to
review (review date passed, or a cited legal source changed after the lesson's state date)."""

from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import admin_views, review_views
from .legal_currency import lessons_to_review
from .models import CoursePage
from .reviews import may_submit
from .services import may_manage_responsible_trainers, trainers_queryset


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


@hooks.register("register_admin_urls")
def responsible_trainers_urls():
    return [
        path(
            "kurse/<int:page_id>/verantwortliche/",
            admin_views.responsible_trainers,
            name="courses_responsible_trainers",
        ),
        path("kurspruefung/", review_views.review_list, name="course_review_list"),
        path("kurspruefung/<int:pk>/", review_views.detail, name="course_review_detail"),
        path(
            "kurspruefung/einreichen/<int:course_id>/",
            review_views.submit,
            name="course_review_submit",
        ),
    ]


class CourseReviewsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or trainers_queryset().filter(pk=user.pk).exists()


@hooks.register("register_admin_menu_item")
def course_reviews_menu_item():
    return CourseReviewsMenuItem(
        _("Course reviews"), reverse("course_review_list"), icon_name="tasks", order=250
    )


class SubmitCourseButton(PageMenuItem):
    """On every page of a course: submit the whole course's changes for one review."""

    label = _("Submit the course for review")
    icon_name = "tasks"

    @cached_property
    def course(self):
        specific = self.page.specific_deferred
        return specific.get_course() if hasattr(specific, "get_course") else None

    def is_shown(self, user):
        return self.course is not None and may_submit(self.course, user)

    @cached_property
    def url(self):
        return reverse("course_review_submit", args=[self.course.pk])


@hooks.register("register_page_header_buttons")
def submit_course_header_button(page, user, view_name, next_url=None):
    yield SubmitCourseButton(page=page, priority=60)


class ResponsibleTrainersButton(PageMenuItem):
    label = _("Responsible trainers")
    icon_name = "group"

    def is_shown(self, user):
        return isinstance(self.page.specific_deferred, CoursePage) and (
            may_manage_responsible_trainers(user, self.page)
        )

    @cached_property
    def url(self):
        return reverse("courses_responsible_trainers", args=[self.page.pk])


@hooks.register("register_page_header_buttons")
def responsible_trainers_header_button(page, user, view_name, next_url=None):
    yield ResponsibleTrainersButton(page=page, priority=66)


@hooks.register("register_page_listing_more_buttons")
def responsible_trainers_listing_button(page, user, next_url=None):
    yield ResponsibleTrainersButton(page=page, priority=55)


@hooks.register("after_create_page")
def author_becomes_responsible(request, page):
    """A trainer who starts a course is responsible for it, so they can go on editing it."""
    if isinstance(page.specific, CoursePage) and not request.user.is_superuser:
        page.specific.responsible_trainers.add(request.user)
