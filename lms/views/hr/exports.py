"""The matrix as a download: CSV streamed a chunk of people at a time, XLSX built by a
Celery task whose progress the export page shows."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from ...exports import (
    XLSX_CONTENT_TYPE,
    cell_values,
    csv_value,
    export_filename,
    matrix_headers,
    neutralise_formula,
    person_columns,
)
from ...models import MatrixExport
from ...selectors import organisations_visible_to
from ...selectors.hr.matrix import matrix_rows
from ...services.audit import audit_record
from ...services.hr_exports import matrix_export_request
from . import visible_unit
from .matrix import matrix_for_request


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def matrix_csv(request: HttpRequest, unit_id: int) -> StreamingHttpResponse:
    """The matrix as filtered, streamed as CSV (German headers, semicolon for German Excel);
    rows are built a chunk of people at a time, so memory stays flat for any unit size."""
    unit = visible_unit(request, unit_id)
    _form, matrix = matrix_for_request(request, unit, for_export=True)
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
@require_POST
def matrix_xlsx(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Ask for the matrix as filtered (the filters are in the query string) as an Excel
    workbook, same scope and headers as the CSV: a Celery task builds it, and the export page
    shows its progress. A POST with the CSRF token, so no other site can start exports."""
    unit = visible_unit(request, unit_id)
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
