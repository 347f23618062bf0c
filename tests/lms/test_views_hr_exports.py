"""HR: the qualification matrix as XLSX, built by a Celery task (eager in tests) with a progress
page; only the requester sees the export and its file."""

import io
from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lms import services
from lms.models import AuditEvent, MatrixExport, Membership
from lms.services.hr_exports import matrix_export_build, matrix_export_request
from lms.services.privacy import person_erase
from tests.factories import UserFactory, make_member
from tests.lms.test_views_hr_ops import member_holding_external

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def employee_held(amt_a, cdo_profile, course):
    """An employee of Gemeinde A who holds the required course (approved external proof)."""
    return member_holding_external(amt_a, cdo_profile, course, "Erika Vorhanden")


class _StorageSpy:
    """default_storage, remembering the names of the files saved through it."""

    def __init__(self):
        self.saved = []

    def save(self, name, content, **kwargs):
        self.saved.append(default_storage.save(name, content, **kwargs))
        return self.saved[-1]

    def __getattr__(self, name):
        return getattr(default_storage, name)


@pytest.fixture
def storage_spy(monkeypatch):
    spy = _StorageSpy()
    monkeypatch.setattr("lms.services.hr_exports.default_storage", spy)
    return spy


def _request_export(client, unit, capture, **params):
    """Ask for the XLSX like the matrix page's button (a POST, the filters in the query
    string); the eager task runs on commit."""
    with capture(execute=True):
        url = reverse("hr_matrix_xlsx", args=[unit.pk])
        response = client.post(f"{url}?{urlencode(params)}" if params else url)
    assert response.status_code == 302
    return response


def _rows(response):
    """The downloaded workbook's rows, read back with openpyxl."""
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook, list(workbook.active.iter_rows(values_only=True))


def test_request_creates_job_and_redirects_to_status_page(
    client, hr_a, gemeinde_a, employee_a, django_capture_on_commit_callbacks
):
    """The old XLSX link creates one export of the unit and redirects to its status page."""
    client.force_login(hr_a)
    response = _request_export(client, gemeinde_a, django_capture_on_commit_callbacks)
    export = MatrixExport.objects.get()
    assert (export.organisation, export.requested_by) == (gemeinde_a, hr_a)
    assert response.url == reverse("hr_matrix_export", args=[export.pk])


def test_request_records_audit_event_with_filter(
    client, hr_a, gemeinde_a, employee_a, django_capture_on_commit_callbacks
):
    """Asking for the export writes exported_matrix for the unit with the filter used."""
    client.force_login(hr_a)
    _request_export(client, gemeinde_a, django_capture_on_commit_callbacks, status="held")
    event = AuditEvent.objects.get(action="exported_matrix")
    assert (event.actor, event.organisation) == (hr_a, gemeinde_a)
    assert event.detail["filter"] == {"status": "held"} and event.detail["format"] == "xlsx"


def test_eager_build_is_ready_and_page_shows_download(
    client, hr_a, gemeinde_a, employee_a, django_capture_on_commit_callbacks
):
    """With eager Celery the export is ready at once: the page offers the download link."""
    client.force_login(hr_a)
    response = _request_export(client, gemeinde_a, django_capture_on_commit_callbacks)
    export = MatrixExport.objects.get()
    assert export.status == MatrixExport.Status.READY
    assert (export.done, export.total, export.percent) == (2, 2, 100)  # employee and HR user
    assert export.file.name.startswith("exports/matrix/") and export.file.name.endswith(".xlsx")
    html = client.get(response.url).content.decode()
    assert reverse("hr_matrix_export_download", args=[export.pk]) in html
    assert "Excel-Datei mit 2 Zeilen herunterladen" in html
    assert 'role="status"' in html and 'aria-live="polite"' in html


def test_pending_export_shows_progress_and_polls(client, hr_a, gemeinde_a):
    """While the workbook is being built the page shows a labelled progress bar with the
    percentage as text and polls its partial (no page chrome) with htmx."""
    export = MatrixExport.objects.create(
        organisation=gemeinde_a, requested_by=hr_a, total=2000, done=500
    )
    client.force_login(hr_a)
    url = reverse("hr_matrix_export", args=[export.pk])
    html = client.get(url).content.decode()
    assert '<progress id="matrix-export-progress" max="100" value="25">' in html
    assert '<label for="matrix-export-progress">Fortschritt</label>' in html
    assert "25 % erledigt (500 von 2000 Zeilen)" in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in partial and f'hx-get="{url}"' in partial
    download = reverse("hr_matrix_export_download", args=[export.pk])
    assert download not in html
    assert client.get(download).status_code == 404


def test_download_is_xlsx_with_german_headers_and_neutralised_formula(
    client, hr_a, gemeinde_a, employee_a, employee_b, django_capture_on_commit_callbacks
):
    """The file is a real workbook named after the unit and the day: German headers, no row
    of B, and a name starting with = stored as a text cell exactly as written (no apostrophe
    inside the cell: a string cell is never a formula)."""
    client.force_login(hr_a)
    _request_export(client, gemeinde_a, django_capture_on_commit_callbacks)
    export = MatrixExport.objects.get()
    response = client.get(reverse("hr_matrix_export_download", args=[export.pk]))
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert (
        f'filename="qualifikationen-bundesstadt-bonn-{today}.xlsx"'
        in response["Content-Disposition"]
    )
    workbook, rows = _rows(response)
    assert workbook.active.title == "Qualifikationen"
    assert list(rows[0][:4]) == ["Name", "E-Mail-Adresse", "Einheiten", "Stellenprofile"]
    names = [row[0] for row in rows[1:]]
    assert '=HYPERLINK("http://evil")' in names
    assert all("Bernd" not in name for name in names)
    row_number = names.index('=HYPERLINK("http://evil")') + 2
    assert workbook.active[f"A{row_number}"].data_type == "s"


def test_status_filter_is_honoured(
    client, hr_a, gemeinde_a, employee_a, employee_held, django_capture_on_commit_callbacks
):
    """Exporting with status=held lists only the person holding the course."""
    client.force_login(hr_a)
    _request_export(
        client, gemeinde_a, django_capture_on_commit_callbacks, status="held", seite="3"
    )
    export = MatrixExport.objects.get()
    assert export.filters == "status=held"  # the page number is not part of the filter
    _workbook, rows = _rows(client.get(reverse("hr_matrix_export_download", args=[export.pk])))
    assert [row[0] for row in rows[1:]] == ["Erika Vorhanden"]
    assert rows[1][4] == "vorhanden"
    # Separate columns with real dates: valid until is a date cell, not "vorhanden bis …".
    assert rows[0][4:8] == (
        f"{rows[0][4].split(':')[0]}: Status",
        f"{rows[0][4].split(':')[0]}: gültig bis",
        f"{rows[0][4].split(':')[0]}: fällig am",
        f"{rows[0][4].split(':')[0]}: Fortschritt (%)",
    )


def test_dates_are_date_cells_and_csv_has_separate_columns(
    client, hr_a, gemeinde_a, employee_a, course, django_capture_on_commit_callbacks
):
    """The reported case: status and date were one text cell ("vorhanden bis …") and the due
    dates the matrix shows were missing. Now the due date is its own column, a real date in
    the workbook and a German date in the CSV."""
    import datetime as dt

    from lms.services.hr import enrolment_assign

    due = timezone.localdate() + dt.timedelta(days=20)
    enrolment_assign(user=employee_a, course=course, due_date=due)
    client.force_login(hr_a)
    _request_export(client, gemeinde_a, django_capture_on_commit_callbacks)
    export = MatrixExport.objects.get()
    workbook, rows = _rows(client.get(reverse("hr_matrix_export_download", args=[export.pk])))
    column = rows[0].index(f"{course.title}: fällig am")
    row = next(r for r in rows[1:] if r[1] == employee_a.email)
    assert row[column].date() == due
    csv_text = b"".join(
        client.get(reverse("hr_matrix_csv", args=[gemeinde_a.pk])).streaming_content
    ).decode("utf-8-sig")
    assert f"{course.title}: fällig am" in csv_text and due.strftime("%d.%m.%Y") in csv_text


def test_invalid_filter_exports_everything_like_the_page(
    client, hr_a, gemeinde_a, employee_a, employee_held, django_capture_on_commit_callbacks
):
    """A filter the form rejects is dropped, as on the matrix page: every row is exported."""
    client.force_login(hr_a)
    _request_export(client, gemeinde_a, django_capture_on_commit_callbacks, status="bogus")
    export = MatrixExport.objects.get()
    assert (export.filters, export.status, export.total) == ("", "ready", 3)


@pytest.mark.parametrize("who", ["neighbour", "colleague", "stranger"])
def test_only_requester_sees_status_and_download(
    client, hr_a, hr_b, gemeinde_a, employee_a, django_capture_on_commit_callbacks, who
):
    """The neighbour's HR, another HR user of the same unit and a plain user get 404."""
    client.force_login(hr_a)
    _request_export(client, gemeinde_a, django_capture_on_commit_callbacks)
    export = MatrixExport.objects.get()
    other = {
        "neighbour": hr_b,
        "colleague": make_member(gemeinde_a, Membership.Role.HR, full_name="Zweite HR"),
        "stranger": UserFactory(),
    }[who]
    client.force_login(other)
    for name in ("hr_matrix_export", "hr_matrix_export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404, name


def test_requester_who_lost_the_unit_gets_404(
    client, hr_a, gemeinde_a, employee_a, django_capture_on_commit_callbacks
):
    """Removing the HR membership closes one's own finished export too."""
    client.force_login(hr_a)
    _request_export(client, gemeinde_a, django_capture_on_commit_callbacks)
    export = MatrixExport.objects.get()
    services.membership_remove(user=hr_a, organisation=gemeinde_a)
    assert client.get(reverse("hr_matrix_export_download", args=[export.pk])).status_code == 404


def test_build_fails_unwritten_when_requester_lost_scope(hr_a, gemeinde_a, employee_a, storage_spy):
    """If the requester no longer sees the unit when the task runs, it fails and writes no
    file."""
    export = MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a)
    services.membership_remove(user=hr_a, organisation=gemeinde_a)
    export = matrix_export_build(export_id=export.pk)
    assert (export.status, export.file.name) == (MatrixExport.Status.FAILED, "")
    assert export.finished_at is not None
    assert storage_spy.saved == []


def test_failed_export_shows_german_message(client, hr_a, gemeinde_a, monkeypatch):
    """An error while writing marks the export failed; the page says so in German."""

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("lms.services.hr_exports.matrix_xlsx_write", broken)
    export = MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a)
    assert matrix_export_build(export_id=export.pk).status == MatrixExport.Status.FAILED
    client.force_login(hr_a)
    html = client.get(reverse("hr_matrix_export", args=[export.pk])).content.decode()
    assert "Der Export ist fehlgeschlagen" in html
    assert 'hx-trigger="every' not in html  # no more polling
    assert client.get(reverse("hr_matrix_export_download", args=[export.pk])).status_code == 404


def test_building_twice_does_not_rebuild(hr_a, gemeinde_a, employee_a, django_assert_num_queries):
    """A second run of the task finds the export ready and changes nothing (one query)."""
    export = MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a)
    first = matrix_export_build(export_id=export.pk)
    assert first.status == MatrixExport.Status.READY
    with django_assert_num_queries(1):
        second = matrix_export_build(export_id=export.pk)
    assert (second.file.name, second.finished_at) == (first.file.name, first.finished_at)


def test_build_of_deleted_export_keeps_no_file(
    hr_a, gemeinde_a, employee_a, monkeypatch, storage_spy
):
    """An export deleted while its workbook is written (erasure) leaves no file behind."""
    from lms.services import hr_exports

    export = MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a)
    write = hr_exports.matrix_xlsx_write

    def write_then_delete_row(*args, **kwargs):
        count = write(*args, **kwargs)
        MatrixExport.objects.filter(pk=export.pk).delete()
        return count

    monkeypatch.setattr(hr_exports, "matrix_xlsx_write", write_then_delete_row)
    with pytest.raises(MatrixExport.DoesNotExist):
        matrix_export_build(export_id=export.pk)
    assert len(storage_spy.saved) == 1 and not default_storage.exists(storage_spy.saved[0])


def test_request_service_queues_task_on_commit(
    hr_a, gemeinde_a, employee_a, django_capture_on_commit_callbacks
):
    """The row is created at once; the build runs only once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = matrix_export_request(user=hr_a, organisation=gemeinde_a, filters="sort=-name")
    assert (export.status, export.filters, len(callbacks)) == ("pending", "sort=-name", 1)
    callbacks[0]()
    export.refresh_from_db()
    assert export.status == MatrixExport.Status.READY


def test_erasure_deletes_exports_listing_the_person(
    hr_a, gemeinde_a, gemeinde_b, hr_b, employee_a, django_capture_on_commit_callbacks
):
    """Erasing a person deletes the exports of their units (with the file); the neighbour's
    export stays."""
    own = matrix_export_build(
        export_id=MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a).pk
    )
    neighbour = MatrixExport.objects.create(
        organisation=gemeinde_b, requested_by=hr_b, file="exports/matrix/b.xlsx"
    )
    default_storage.save("exports/matrix/b.xlsx", ContentFile(b"x"))
    operator = UserFactory(is_superuser=True, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(user=employee_a, by=operator)
    assert list(MatrixExport.objects.all()) == [neighbour]
    assert not default_storage.exists(own.file.name)
    assert default_storage.exists("exports/matrix/b.xlsx")


def test_export_is_started_only_by_a_post(client, hr_a, gemeinde_a, employee_a):
    """A link (GET) cannot start an export — another site could otherwise start them for a
    logged-in HR user; the matrix page's button posts with its CSRF token."""
    client.force_login(hr_a)
    assert client.get(reverse("hr_matrix_xlsx", args=[gemeinde_a.pk])).status_code == 405
    assert not MatrixExport.objects.exists()
    page = client.get(reverse("hr_matrix", args=[gemeinde_a.pk]), {"status": "overdue"})
    html = page.content.decode()
    action = reverse("hr_matrix_xlsx", args=[gemeinde_a.pk]) + "?status=overdue"
    assert f'method="post" action="{action}"' in html and "csrfmiddlewaretoken" in html
