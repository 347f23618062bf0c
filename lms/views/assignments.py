"""HR's list of a unit's assignments, with change (due date or rule, after a preview of who
would be overdue at once) and cancel. Scoped to the HR user's units: another municipality's
assignment is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ..forms_hr import AssignmentForm
from ..models import Assignment, Enrolment
from ..selectors import organisations_visible_to
from ..services.assignments import assignment_cancel, assignment_change, assignment_due_preview
from ..services.hr import assignment_create
from .hr import visible_unit


class AssignmentChangeForm(forms.Form):
    due_date = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_days_after_joining = forms.IntegerField(
        label=gettext_lazy("Due days after joining"), required=False, min_value=1, max_value=3650
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("due_date")) == bool(cleaned.get("due_days_after_joining")):
            raise ValidationError(
                _("Give either a fixed due date or a number of days after joining.")
            )
        return cleaned


def _visible_assignment(request, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("organisation", "course", "job_profile"),
        pk=pk,
        organisation__in=organisations_visible_to(request.user),
    )


@login_required
@require_GET
def hr_assignments(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(organisations_visible_to(request.user), pk=unit_id)
    assignments = (
        Assignment.objects.filter(organisation__path__startswith=unit.path)
        .select_related("organisation", "course", "job_profile")
        .annotate(
            people=Count("enrolments", distinct=True),
            done=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.COMPLETED),
                distinct=True,
            ),
        )
        .order_by("cancelled_at", "-created_at")
    )
    return render(request, "lms/hr/assignments.html", {"unit": unit, "assignments": assignments})


@login_required
@require_http_methods(["GET", "POST"])
def hr_assignment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    if assignment.cancelled_at:
        messages.error(request, _("This assignment is cancelled."))
        return redirect("hr_assignments", unit_id=assignment.organisation_id)
    initial = {
        "due_date": assignment.due_date,
        "due_days_after_joining": assignment.due_days_after_joining,
    }
    form = AssignmentChangeForm(request.POST or None, initial=initial)
    context = {"assignment": assignment, "form": form, "unit": assignment.organisation}
    if request.method == "POST" and form.is_valid():
        rule = {
            "due_date": form.cleaned_data["due_date"],
            "due_days_after_joining": form.cleaned_data["due_days_after_joining"],
        }
        if request.POST.get("bestaetigt"):
            changed = assignment_change(assignment=assignment, by=request.user, **rule)
            messages.success(
                request,
                _("The assignment is changed: %(count)s due dates were recomputed.")
                % {"count": changed},
            )
            return redirect("hr_assignments", unit_id=assignment.organisation_id)
        context.update(preview=assignment_due_preview(assignment=assignment, **rule))
        context["previewed"] = True
    context["today"] = timezone.localdate()
    return render(request, "lms/hr/assignment_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hr_assignment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _visible_assignment(request, pk)
    if request.method == "POST" and not assignment.cancelled_at:
        ended = assignment_cancel(assignment=assignment, by=request.user)
        messages.success(
            request,
            _(
                "The assignment is cancelled: %(count)s open enrolments have ended; completed "
                "courses stay."
            )
            % {"count": ended},
        )
        return redirect("hr_assignments", unit_id=assignment.organisation_id)
    return render(
        request,
        "lms/hr/assignment_cancel.html",
        {"assignment": assignment, "unit": assignment.organisation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = visible_unit(request, unit_id)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assignment = assignment_create(
            created_by=request.user,
            organisation=unit,
            course=form.cleaned_data["course"],
            job_profile=form.cleaned_data["job_profile"],
            due_date=form.cleaned_data["due_date"],
            due_days_after_joining=form.cleaned_data["due_days_after_joining"],
            recurrence_months=form.cleaned_data["recurrence_months"],
        )
        messages.success(
            request,
            _("The course “%(course)s” is assigned to %(unit)s.")
            % {"course": assignment.course.title, "unit": unit.name},
        )
        return redirect("hr_matrix", unit_id=unit.pk)
    return render(request, "lms/hr/assignment_form.html", {"unit": unit, "form": form})
