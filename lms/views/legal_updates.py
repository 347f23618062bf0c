"""HR: who in the unit qualified on content that has since changed (a recorded change of a
legal source), and assigning them the change's short update course."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from ..selectors.legal_updates import changes_with_holders
from ..services.hr import assignment_create
from .hr import visible_unit


class UpdateAssignForm(forms.Form):
    due_date = forms.DateField(
        label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date must not be in the past."))
        return due


def _with_forms(impacts, *, posted=None):
    """One form per change with an update course (own prefix: unique field ids on the page)."""
    for impact in impacts:
        if impact.change.update_course_id:
            prefix = f"aenderung-{impact.change.pk}"
            impact.form = (
                posted if posted and posted.prefix == prefix else UpdateAssignForm(prefix=prefix)
            )
    return impacts


@login_required
@require_GET
def hr_legal_updates(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = visible_unit(request, unit_id)
    impacts = changes_with_holders(unit=unit, today=timezone.localdate())
    return render(
        request, "lms/hr/legal_updates.html", {"unit": unit, "impacts": _with_forms(impacts)}
    )


@login_required
@require_POST
def hr_legal_update_assign(request: HttpRequest, unit_id: int, change_id: int) -> HttpResponse:
    unit = visible_unit(request, unit_id)
    impacts = changes_with_holders(unit=unit, today=timezone.localdate())
    impact = next((i for i in impacts if i.change.pk == change_id), None)
    if impact is None or impact.change.update_course is None:
        raise Http404
    form = UpdateAssignForm(request.POST, prefix=f"aenderung-{change_id}")
    if not form.is_valid():
        return render(
            request,
            "lms/hr/legal_updates.html",
            {"unit": unit, "impacts": _with_forms(impacts, posted=form)},
            status=400,
        )
    people = [holder.person for holder in impact.without_update]
    course = impact.change.update_course
    if not people:
        messages.info(request, _("Everyone listed already has the update."))
        return redirect("hr_legal_updates", unit_id=unit.pk)
    assignment_create(
        created_by=request.user,
        organisation=unit,
        course=course,
        users=people,
        due_date=form.cleaned_data["due_date"],
    )
    messages.success(
        request,
        ngettext(
            "The update “%(course)s” is assigned to %(count)d person.",
            "The update “%(course)s” is assigned to %(count)d people.",
            len(people),
        )
        % {"course": course.title, "count": len(people)},
    )
    return redirect("hr_legal_updates", unit_id=unit.pk)
