"""The qualification matrix as an XLSX workbook, built in the background: a city's 40,000 rows
take too long for a request. ``matrix_export_request`` records the wish (and the audit event)
and queues the task; ``matrix_export_build`` writes the workbook into storage with progress."""

import functools
import logging
import secrets
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation

from ..exports import matrix_xlsx_write
from ..forms_hr import MatrixFilterForm
from ..models import AuditEvent, MatrixExport, Organisation, User
from ..selectors import organisations_visible_to
from ..selectors.hr.matrix import matrix_rows, qualification_matrix
from ..selectors.organisations import unit_paths_of
from .audit import audit_record
from .stored_files import stored_files_delete_after_commit

logger = logging.getLogger(__name__)

FILTER_FIELDS = ("job_profile", "status", "sort", "q")
PROGRESS_EVERY = 500  # rows between two progress UPDATEs


def _filter_query(filters: QueryDict | str) -> QueryDict:
    """The matrix filter part of a query string (no page number, nothing else), or an empty
    one when the form rejects it: the matrix page then shows every row, and so does the file."""
    query = filters if isinstance(filters, QueryDict) else QueryDict(filters or "")
    kept = QueryDict(mutable=True)
    for field in FILTER_FIELDS:
        if query.get(field):
            kept[field] = query[field]
    if kept and not MatrixFilterForm(kept).is_valid():
        return QueryDict(mutable=True)
    return kept


@transaction.atomic
def matrix_export_request(
    *, user: User, organisation: Organisation, filters: QueryDict | str
) -> MatrixExport:
    """Ask for the matrix of ``organisation`` as filtered (the matrix page's query string) as
    XLSX; the task is queued once this transaction commits, and the export is logged now.
    Permission: the caller checked that ``organisation`` is visible to ``user``."""
    from ..tasks import matrix_export_build_task

    query = _filter_query(filters)
    export = MatrixExport.objects.create(
        organisation=organisation, requested_by=user, filters=query.urlencode()
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.EXPORTED_MATRIX,
        organisation=organisation,
        detail={"filter": query.dict(), "format": "xlsx", "export": export.pk},
    )
    transaction.on_commit(functools.partial(matrix_export_build_task.delay, export.pk))
    return export


def _fail(export: MatrixExport) -> None:
    MatrixExport.objects.filter(pk=export.pk, status=MatrixExport.Status.PENDING).update(
        status=MatrixExport.Status.FAILED, finished_at=timezone.now()
    )


def matrix_export_build(*, export_id: int) -> MatrixExport:
    """Write the workbook of a pending export into storage, updating ``done`` every
    ``PROGRESS_EVERY`` rows; any error marks it failed. Only a pending export is built, so a
    second run changes nothing. The requester must still see the unit, else it fails unwritten."""
    export = MatrixExport.objects.select_related("organisation", "requested_by").get(pk=export_id)
    if export.status != MatrixExport.Status.PENDING:
        return export
    try:
        _build(export)
    except Exception:
        logger.exception("The XLSX export %s of the qualification matrix failed", export.pk)
        _fail(export)
    export.refresh_from_db()
    return export


def _build(export: MatrixExport) -> None:
    user = export.requested_by
    if not organisations_visible_to(user).filter(pk=export.organisation_id).exists():
        logger.warning("XLSX export %s: the requester no longer sees the unit", export.pk)
        _fail(export)
        return
    form = MatrixFilterForm(QueryDict(export.filters) or None)
    if export.filters and not form.is_valid():  # e.g. the job profile was deleted meanwhile
        logger.warning("XLSX export %s: the filter is no longer valid", export.pk)
        _fail(export)
        return
    filters = form.cleaned_data if export.filters else {}
    matrix = qualification_matrix(
        unit=export.organisation,
        job_profile=filters.get("job_profile"),
        status=filters.get("status") or "",
        sort=filters.get("sort") or "name",
        search=filters.get("q") or "",
        for_export=True,
    )
    rows = MatrixExport.objects.filter(pk=export.pk)
    rows.update(total=matrix.page.paginator.count, done=0)

    def progress(count: int) -> None:
        rows.update(done=count)

    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            count = matrix_xlsx_write(
                matrix, matrix_rows(matrix), handle, progress=progress, every=PROGRESS_EVERY
            )
        handle.seek(0)
        name = default_storage.save(
            f"exports/matrix/{secrets.token_urlsafe(24)}.xlsx", File(handle)
        )
    finished = rows.filter(status=MatrixExport.Status.PENDING).update(
        file=name,
        status=MatrixExport.Status.READY,
        total=count,
        done=count,
        finished_at=timezone.now(),
    )
    if not finished:  # erased meanwhile, or another run was first: keep no orphan file
        default_storage.delete(name)


def matrix_exports_erase_for_person(*, user: User) -> int:
    """Delete every matrix export that may list ``user`` (of their units and the units above,
    whatever their status) or that they requested; returns how many. Runs inside
    ``person_erase``'s transaction while the person's memberships still exist; the files go
    once it commits (an export still being built drops its file when it finds its row gone)."""
    unit_paths = unit_paths_of(user)
    exports = MatrixExport.objects.filter(organisation__path__in=unit_paths) | (
        MatrixExport.objects.filter(requested_by=user)
    )
    files = list(exports.exclude(file="").values_list("file", flat=True))
    count, _per_model = exports.delete()
    stored_files_delete_after_commit(files)
    return count
