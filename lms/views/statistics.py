"""Trainer statistics per course (aggregated only)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from courses.models import CoursePage
from courses.services import may_manage_responsible_trainers

from ..selectors.statistics import course_statistics as compute_statistics


def may_see_statistics(user, course: CoursePage) -> bool:
    """Responsible trainers of the course and platform operators: the same people who manage
    its responsible trainers and grant extra exam time for it."""
    return may_manage_responsible_trainers(user, course)


@login_required
@require_GET
def course_statistics(request: HttpRequest, course_id: int) -> HttpResponse:
    """Only the course's responsible trainers (and operators) see its figures; others get 404."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if not may_see_statistics(request.user, course):
        raise Http404
    context = {"course": course, "stats": compute_statistics(course)}
    return render(request, "lms/course_statistics.html", context)
