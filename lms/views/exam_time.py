"""Granting extra time in timed quizzes (Nachteilsausgleich).

HR grants it for all courses to people in its scope (a neighbour's person is a 404); a course's
responsible trainers grant it for their course to people enrolled there. Nobody grants it to
themselves. Only the percentage is kept, never the reason (often health data).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import CoursePage

from ..forms_hr import CourseTimeExtensionForm, TimeExtensionForm
from ..models import Enrolment, ExamTimeExtension
from ..selectors.hr.people import people_visible_to
from ..services.exam_time import time_extension_set
from .statistics import may_see_statistics


def _saved_message(request, person, extra_percent: int) -> None:
    if extra_percent:
        text = _("%(name)s now has %(extra)s %% more time in timed quizzes.")
    else:
        text = _("%(name)s no longer has extra time in timed quizzes.")
    messages.success(request, text % {"name": person.full_name, "extra": extra_percent})


@login_required
@require_POST
def hr_time_extension(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(
        people_visible_to(request.user).exclude(pk=request.user.pk), pk=user_id
    )
    form = TimeExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose the extra time."))
        return redirect("hr_employee", user_id=person.pk)
    extra = form.cleaned_data["extra_percent"]
    time_extension_set(user=person, course=None, extra_percent=extra, granted_by=request.user)
    _saved_message(request, person, extra)
    return redirect("hr_employee", user_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def course_time_extensions(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course's grants and a form for one more (responsible trainers and operators)."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if not may_see_statistics(request.user, course):
        raise Http404
    form = CourseTimeExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = (
            Enrolment.objects.filter(course=course, user__email__iexact=form.cleaned_data["email"])
            .exclude(user=request.user)
            .select_related("user")
            .first()
        )
        if enrolment is None:
            form.add_error("email", _("Nobody with this address is enrolled in this course."))
        else:
            extra = form.cleaned_data["extra_percent"]
            time_extension_set(
                user=enrolment.user, course=course, extra_percent=extra, granted_by=request.user
            )
            _saved_message(request, enrolment.user, extra)
            return redirect("course_time_extensions", course_id=course.pk)
    grants = (
        ExamTimeExtension.objects.filter(course=course)
        .select_related("user")
        .order_by("user__full_name")
    )
    context = {"course": course, "form": form, "grants": grants}
    return render(request, "lms/course_time_extensions.html", context)
