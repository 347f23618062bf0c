"""One person as HR sees them (the employee record) and the CSV import of employees
(upload → preview with row errors → confirm)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ...forms_hr import EmployeeImportForm, TimeExtensionForm
from ...selectors.hr.people import employee_record, people_visible_to
from ...services.audit import audit_record
from ...services.people_import import (
    employee_import_apply,
    employee_import_check,
    employee_import_parse,
)
from . import visible_unit


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


# --- CSV import of employees ----------------------------------------------------------------

IMPORT_SALT = "lms.hr.employee_import"


@login_required
@require_http_methods(["GET", "POST"])
def employee_import(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Upload → preview with row errors → confirm. Nothing is written before "confirm": the
    parsed rows travel in a signed token (bound to this user and unit) and are checked again."""

    unit = visible_unit(request, unit_id)
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
