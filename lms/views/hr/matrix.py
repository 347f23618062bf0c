"""The qualification matrix of a unit (page and htmx table), its key figures and the audit
log of who viewed or exported what."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ...forms_hr import MatrixFilterForm
from ...selectors import organisations_visible_to
from ...selectors.audit import audit_events_for
from ...selectors.hr.dashboard import hr_dashboard
from ...selectors.hr.matrix import qualification_matrix
from ...services.audit import audit_record
from . import managed_unit, visible_unit


def matrix_for_request(request, unit, *, for_export: bool = False):
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
    unit = visible_unit(request, unit_id)
    form, matrix = matrix_for_request(request, unit)
    _with_cells_html(matrix)
    audit_record(actor=request.user, action="viewed_matrix", organisation=unit)
    context = {"unit": unit, "form": form, "matrix": matrix, "query": request.GET.urlencode()}
    template = "lms/hr/partials/matrix_table.html" if request.htmx else "lms/hr/matrix.html"
    return render(request, template, context)


@login_required
@require_GET
def dashboard(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Completion per unit (chart and the same data as a table), expiries and overdue items."""
    unit = visible_unit(request, unit_id)
    return render(request, "lms/hr/dashboard.html", {"unit": unit, **hr_dashboard(unit)})


@login_required
@require_GET
def audit_log(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Who viewed or exported whose records in this unit and its sub-units; org admins only."""
    unit = managed_unit(request, unit_id)
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
