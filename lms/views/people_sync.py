"""HR sync pages: upload an export, watch the check, page through the difference, confirm,
watch it being applied. Scoped to the HR user's units (another municipality's sync is a 404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..models import PeopleSync, PeopleSyncRow
from ..selectors import organisations_visible_to
from ..services.people_sync import (
    COLUMN_FIELDS,
    leaver_share,
    needs_leaver_confirmation,
    people_sync_apply_request,
    people_sync_mapping_for,
    people_sync_upload,
)

ROWS_PER_PAGE = 100


class PeopleSyncForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export of the HR system (CSV or Excel)"),
        help_text=gettext_lazy(
            "All employees of this unit and its sub-units, one row each. CSV with ; or , in "
            "UTF-8 or Windows-1252, or .xlsx."
        ),
    )
    name_column = forms.CharField(label=gettext_lazy("Column with the name"), max_length=80)
    email_column = forms.CharField(
        label=gettext_lazy("Column with the e-mail address"), max_length=80
    )
    unit_column = forms.CharField(
        label=gettext_lazy("Column with the unit"), max_length=80, required=False
    )
    job_profile_column = forms.CharField(
        label=gettext_lazy("Column with the job profile"), max_length=80, required=False
    )


def _visible_sync(request, pk: int) -> PeopleSync:
    return get_object_or_404(
        PeopleSync.objects.select_related("organisation"),
        pk=pk,
        organisation__in=organisations_visible_to(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def hr_sync(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(organisations_visible_to(request.user), pk=unit_id)
    mapping = people_sync_mapping_for(unit)
    initial = {field: getattr(mapping, field) for field in COLUMN_FIELDS}
    form = PeopleSyncForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        columns = {field: form.cleaned_data[field].strip() for field in COLUMN_FIELDS}
        try:
            sync = people_sync_upload(
                unit=unit, user=request.user, upload=form.cleaned_data["file"], columns=columns
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("hr_sync_detail", pk=sync.pk)
    syncs = PeopleSync.objects.filter(organisation=unit).select_related("requested_by")[:10]
    return render(request, "lms/hr/sync_upload.html", {"unit": unit, "form": form, "syncs": syncs})


@login_required
@require_GET
def hr_sync_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sync = _visible_sync(request, pk)
    context = {"sync": sync, "unit": sync.organisation}
    if request.htmx and sync.running:
        return render(request, "lms/hr/partials/sync_status.html", context)
    if request.htmx:  # finished meanwhile: the whole page, with the difference
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    change = request.GET.get("art", "")
    rows = sync.rows.select_related("unit", "job_profile").order_by("line", "pk")
    if change in PeopleSyncRow.Change.values:
        rows = rows.filter(change=change)
    else:
        rows = rows.exclude(change=PeopleSyncRow.Change.SAME)
    context.update(
        page=Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("seite")),
        change=change,
        pager_query=f"art={change}" if change in PeopleSyncRow.Change.values else "",
        changes=PeopleSyncRow.Change.choices,
        counts=[
            (value, label, sync.counts.get(value, 0))
            for value, label in PeopleSyncRow.Change.choices
        ],
        guard=needs_leaver_confirmation(sync),
        leaver_percent=round(100 * leaver_share(sync)),
    )
    return render(request, "lms/hr/sync_detail.html", context)


@login_required
@require_POST
def hr_sync_apply(request: HttpRequest, pk: int) -> HttpResponse:
    sync = _visible_sync(request, pk)
    if sync.status != PeopleSync.Status.CHECKED:
        messages.error(request, _("This sync cannot be applied (any more)."))
    elif not people_sync_apply_request(
        sync=sync, user=request.user, leavers_confirmed=bool(request.POST.get("leavers_confirmed"))
    ):
        messages.error(
            request,
            _("Please confirm that so many people really have left (the box above the button)."),
        )
    return redirect("hr_sync_detail", pk=sync.pk)
