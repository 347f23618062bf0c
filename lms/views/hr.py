"""HR views: the qualification matrix, its export, employee records and assignments.

Every view starts from ``organisations_visible_to(request.user)``: units, people and exports of
other municipalities are a 404, whatever id is typed into the URL.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..exports import (
    XLSX_CONTENT_TYPE,
    cell_values,
    csv_value,
    export_filename,
    matrix_headers,
    neutralise_formula,
    person_columns,
)
from ..forms_hr import AssignmentForm, MatrixFilterForm, TimeExtensionForm
from ..models import MatrixExport, User
from ..selectors import organisations_visible_to
from ..selectors.audit import audit_events_for
from ..selectors.hr import (
    employee_record,
    hr_dashboard,
    matrix_rows,
    people_visible_to,
    qualification_matrix,
)
from ..services.audit import audit_record
from ..services.hr import assignment_create
from ..services.hr_exports import matrix_export_request


def _visible_unit(request, unit_id: int):
    return get_object_or_404(organisations_visible_to(request.user), pk=unit_id)


def _matrix_for(request, unit, *, for_export: bool = False):
    form = MatrixFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matrix = qualification_matrix(
        unit=unit,
        job_profile=filters.get("job_profile"),
        status=filters.get("status") or "",
        sort=filters.get("sort") or "name",
        search=filters.get("q") or "",
        page_number=request.GET.get("seite", 1),
        for_export=for_export,
    )
    return form, matrix


def _cell_html(cell) -> str:
    """One matrix cell as HTML: symbol (hidden from screen readers), label, validity, progress
    and due date, so colour is never the only signal."""
    html = format_html(
        '<td class="cell cell-{}"><span aria-hidden="true">{}</span> {}',
        cell.status,
        cell.symbol,
        cell.label,
    )
    if cell.valid_until:
        until = _("until %(date)s") % {"date": cell.valid_until.strftime("%d.%m.%Y")}
        html += format_html('<br><span class="help">{}</span>', until)
    if (cell.percent and cell.status == "in_progress") or cell.status == "overdue":
        progress = f"{cell.percent or 0} %"
        if cell.due_date:
            progress += ", " + _("due %(date)s") % {"date": cell.due_date.strftime("%d.%m.%Y")}
        html += format_html('<br><span class="help">{}</span>', progress)
    return html + mark_safe("</td>")  # noqa: S308  (constant markup)


def _with_cells_html(matrix) -> None:
    """Render each row's cells once per distinct cell (50 rows × 30 columns repeat a few dozen
    cells; the template loop over 1,500 cells cost more than the queries)."""
    rendered: dict = {}
    for row in matrix.rows:
        parts = []
        for cell in row.cells:
            key = (cell.status, cell.valid_until, cell.due_date, cell.percent)
            if key not in rendered:
                rendered[key] = _cell_html(cell)
            parts.append(rendered[key])
        row.cells_html = mark_safe("".join(parts))  # noqa: S308  (built with format_html)


@login_required
@require_GET
def matrix(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _visible_unit(request, unit_id)
    form, matrix = _matrix_for(request, unit)
    _with_cells_html(matrix)
    audit_record(actor=request.user, action="viewed_matrix", organisation=unit)
    context = {"unit": unit, "form": form, "matrix": matrix, "query": request.GET.urlencode()}
    template = "lms/hr/partials/matrix_table.html" if request.htmx else "lms/hr/matrix.html"
    return render(request, template, context)


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def matrix_csv(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    """The matrix as filtered, streamed as CSV (German headers, semicolon for German Excel);
    rows are built a chunk of people at a time, so memory stays flat for any unit size."""
    unit = _visible_unit(request, unit_id)
    _form, matrix = _matrix_for(request, unit, for_export=True)
    audit_record(
        actor=request.user,
        action="exported_matrix",
        organisation=unit,
        detail={"filter": request.GET.dict(), "rows": matrix.page.paginator.count},
    )

    def rows():
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff"
        yield writer.writerow([neutralise_formula(value) for value in matrix_headers(matrix)])
        for row in matrix_rows(matrix):  # streamed: a chunk of people at a time
            values = person_columns(row)
            for cell in row.cells:
                values += cell_values(cell)
            yield writer.writerow([csv_value(value) for value in values])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(unit, "csv")}"'
    return response


@login_required
@require_GET
def employee(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(people_visible_to(request.user), pk=user_id)
    audit_record(actor=request.user, action="viewed_employee", subject=person)
    context = employee_record(person)
    context["time_extension_form"] = TimeExtensionForm(
        initial={"extra_percent": context["time_extension"]}
    )
    return render(request, "lms/hr/employee.html", context)


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


# --- External qualifications ----------------------------------------------------------------


def _external_upload(request, person, *, redirect_to, template, extra):
    from ..forms_hr import ExternalQualificationForm
    from ..services.qualifications import external_qualification_upload

    form = ExternalQualificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        external_qualification_upload(user=person, uploaded_by=request.user, **form.cleaned_data)
        messages.success(request, _("The proof was uploaded and is waiting for review by HR."))
        return redirect_to
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "person": person, **extra}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def external_upload(request: HttpRequest, user_id: int) -> HttpResponse:
    """HR uploads proof of external training for a person in their scope."""
    person = get_object_or_404(people_visible_to(request.user), pk=user_id)
    return _external_upload(
        request,
        person,
        redirect_to=redirect("hr_employee", user_id=person.pk),
        template="lms/hr/external_upload.html",
        extra={"hr": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def learning_external_upload(request: HttpRequest) -> HttpResponse:
    """An employee uploads proof of their own external training and sees their uploads."""
    from ..models import ExternalQualification

    own = ExternalQualification.objects.filter(user=request.user).select_related("course")
    return _external_upload(
        request,
        request.user,
        redirect_to=redirect("learning_external_upload"),
        template="lms/hr/external_upload.html",
        extra={"hr": False, "uploads": own.order_by("-uploaded_at")},
    )


@login_required
@require_POST
def external_review(request: HttpRequest, user_id: int, pk: int) -> HttpResponse:
    """HR approves or rejects an external qualification of a person in scope."""
    from ..forms_hr import ReviewForm
    from ..models import ExternalQualification
    from ..services.qualifications import external_qualification_review

    person = get_object_or_404(
        people_visible_to(request.user).exclude(pk=request.user.pk), pk=user_id
    )
    qualification = get_object_or_404(ExternalQualification, user=person, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    approve = form.cleaned_data["decision"] == "approve"
    external_qualification_review(
        qualification=qualification, reviewed_by=request.user, approve=approve
    )
    if approve:
        text = _("The proof “%(title)s” was approved.")
    else:
        text = _("The proof “%(title)s” was rejected.")
    messages.success(request, text % {"title": qualification.title})
    return redirect("hr_employee", user_id=person.pk)


@login_required
@require_GET
def external_download(request: HttpRequest, pk: int) -> FileResponse:
    """The proof file, for the person it belongs to and HR in scope; 404 for everyone else."""
    from ..models import ExternalQualification

    qualification = get_object_or_404(ExternalQualification, pk=pk)
    if qualification.user_id != request.user.pk and not (
        people_visible_to(request.user).filter(pk=qualification.user_id).exists()
    ):
        raise Http404
    response = FileResponse(
        qualification.file.open("rb"),
        as_attachment=True,
        filename=f"nachweis-{qualification.pk}.pdf",
        content_type="application/pdf",
    )
    return response


# --- XLSX export --------------------------------------------------------------------------


@login_required
@require_POST
def matrix_xlsx(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Ask for the matrix as filtered (the filters are in the query string) as an Excel
    workbook, same scope and headers as the CSV: a Celery task builds it, and the export page
    shows its progress. A POST with the CSRF token, so no other site can start exports."""
    unit = _visible_unit(request, unit_id)
    export = matrix_export_request(user=request.user, organisation=unit, filters=request.GET)
    return redirect("hr_matrix_export", pk=export.pk)


def _own_export(request, pk: int, **conditions) -> MatrixExport:
    """An export of the requester only, of a unit they still see: 404 for everyone else."""
    exports = MatrixExport.objects.select_related("organisation").filter(
        requested_by=request.user, organisation__in=organisations_visible_to(request.user)
    )
    return get_object_or_404(exports, pk=pk, **conditions)


@login_required
@require_GET
def matrix_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a workbook being built; htmx polls the partial until the download is ready."""
    export = _own_export(request, pk)
    template = (
        "lms/hr/partials/matrix_export_status.html" if request.htmx else "lms/hr/matrix_export.html"
    )
    return render(request, template, {"export": export, "unit": export.organisation})


@login_required
@require_GET
def matrix_export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = _own_export(request, pk, status=MatrixExport.Status.READY)
    return FileResponse(
        default_storage.open(export.file.name, "rb"),
        as_attachment=True,
        filename=export_filename(export.organisation, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


# --- CSV import of employees ----------------------------------------------------------------

IMPORT_SALT = "lms.hr.employee_import"


@login_required
@require_http_methods(["GET", "POST"])
def employee_import(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Upload → preview with row errors → confirm. Nothing is written before "confirm": the
    parsed rows travel in a signed token (bound to this user and unit) and are checked again."""
    from django.core import signing
    from django.core.exceptions import ValidationError

    from ..forms_hr import EmployeeImportForm
    from ..services.people_import import (
        employee_import_apply,
        employee_import_check,
        employee_import_parse,
    )

    unit = _visible_unit(request, unit_id)
    context = {"unit": unit}
    if request.method == "POST" and "token" in request.POST:
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
        except signing.BadSignature:
            messages.error(request, _("The preview has expired. Please upload the file again."))
            return redirect("hr_import", unit_id=unit.pk)
        if payload.get("unit") != unit.pk or payload.get("user") != request.user.pk:
            raise Http404
        created, updated = employee_import_apply(
            data=payload["rows"], unit=unit, hr_user=request.user
        )
        messages.success(
            request,
            _("Import finished: %(created)s people created, %(updated)s updated.")
            % {"created": created, "updated": updated},
        )
        return redirect("hr_matrix", unit_id=unit.pk)
    form = EmployeeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = employee_import_parse(form.cleaned_data["file"].read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            rows = employee_import_check(data=data, unit=unit, hr_user=request.user)
            valid = [row.as_data() for row in rows if not row.errors]
            context.update(
                rows=rows,
                valid_count=len(valid),
                token=signing.dumps(
                    {"unit": unit.pk, "user": request.user.pk, "rows": valid},
                    salt=IMPORT_SALT,
                    compress=True,
                ),
            )
    context["form"] = form
    return render(request, "lms/hr/import.html", context)
