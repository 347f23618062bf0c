"""HR views: the qualification matrix, its export, employee records and assignments.

Every view starts from ``organisations_visible_to(request.user)``: units, people and exports of
other municipalities are a 404, whatever id is typed into the URL.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..forms_hr import AssignmentForm, MatrixFilterForm
from ..models import User
from ..selectors import organisations_visible_to
from ..selectors.audit import audit_events_for
from ..selectors.hr import (
    employee_record,
    hr_dashboard,
    people_visible_to,
    qualification_matrix,
)
from ..services.audit import audit_record
from ..services.hr import assignment_create


def _visible_unit(request, unit_id: int):
    return get_object_or_404(organisations_visible_to(request.user), pk=unit_id)


def _matrix_for(request, unit):
    form = MatrixFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matrix = qualification_matrix(
        unit=unit,
        job_profile=filters.get("job_profile"),
        status=filters.get("status") or "",
        sort=filters.get("sort") or "name",
        page_number=request.GET.get("seite", 1),
    )
    return form, matrix


@login_required
@require_GET
def matrix(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _visible_unit(request, unit_id)
    form, matrix = _matrix_for(request, unit)
    audit_record(actor=request.user, action="viewed_matrix", organisation=unit)
    context = {"unit": unit, "form": form, "matrix": matrix, "query": request.GET.urlencode()}
    template = "lms/hr/partials/matrix_table.html" if request.htmx else "lms/hr/matrix.html"
    return render(request, template, context)


def neutralise_formula(value) -> str:
    """Spreadsheet programs run cells starting with = + - @ (or tab/CR) as formulas; prefix
    them with an apostrophe so an exported name can never become a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def matrix_csv(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    """The matrix as filtered, streamed as CSV (German headers, semicolon for German Excel)."""
    unit = _visible_unit(request, unit_id)
    _form, matrix = _matrix_for(request, unit)
    matrix.rows = list(matrix.page.paginator.object_list)
    audit_record(
        actor=request.user,
        action="exported_matrix",
        organisation=unit,
        detail={"filter": request.GET.dict(), "rows": len(matrix.rows)},
    )

    def rows():
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff"
        yield writer.writerow(
            [_("Name"), _("E-mail address"), _("Units"), _("Job profiles")]
            + [neutralise_formula(course.title) for course in matrix.columns]
        )
        for row in matrix.rows:
            cells = []
            for cell in row.cells:
                text = cell.label
                if cell.valid_until:
                    text += " " + _("until %(date)s") % {
                        "date": cell.valid_until.strftime("%d.%m.%Y")
                    }
                if cell.status in ("in_progress", "overdue") and cell.percent is not None:
                    text += f" ({cell.percent} %)"
                cells.append(text)
            yield writer.writerow(
                [
                    neutralise_formula(row.user.full_name),
                    neutralise_formula(row.user.email),
                    neutralise_formula(", ".join(row.units)),
                    neutralise_formula(", ".join(row.job_profiles)),
                ]
                + cells
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qualifikationen-{unit.pk}.csv"'
    return response


@login_required
@require_GET
def employee(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(people_visible_to(request.user), pk=user_id)
    audit_record(actor=request.user, action="viewed_employee", subject=person)
    return render(request, "lms/hr/employee.html", employee_record(person))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _visible_unit(request, unit_id)
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


@login_required
@require_GET
def dashboard(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Completion per unit (chart and the same data as a table), expiries and overdue items."""
    unit = _visible_unit(request, unit_id)
    return render(request, "lms/hr/dashboard.html", {"unit": unit, **hr_dashboard(unit)})


@login_required
@require_GET
def audit_log(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Who viewed or exported whose records in this unit and its sub-units; org admins only."""
    unit = get_object_or_404(
        organisations_visible_to(request.user, perm="manage_members"), pk=unit_id
    )
    page = Paginator(audit_events_for(unit), 50).get_page(request.GET.get("seite", 1))
    return render(request, "lms/hr/audit_log.html", {"unit": unit, "page": page})


@login_required
@require_GET
def hr_home(request: HttpRequest) -> HttpResponse:
    units = organisations_visible_to(request.user).order_by("path")
    first = units.first()
    if first is None:
        raise Http404
    return redirect("hr_matrix", unit_id=first.pk)


__all__ = ["User"]
