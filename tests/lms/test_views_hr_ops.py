"""HR operations: external qualifications, XLSX export and CSV import, scoped to one's own
municipality."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lms import services
from lms.forms_hr import MAX_PROOF_BYTES
from lms.models import ExternalQualification, MatrixExport, Membership, User
from lms.selectors.hr.matrix import qualification_matrix
from lms.services.hr_exports import matrix_export_build
from lms.services.qualification_status import qualification_status_refresh
from tests.factories import make_member
from tests.lms.test_views_hr import MATRIX_QUERIES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload_data(course, content=PDF, name="nachweis.pdf", **extra):
    return {
        "course": course.pk,
        "title": "Vergaberecht Grundkurs",
        "provider": "Studieninstitut Rheinland",
        "completed_on": "2026-03-01",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        **extra,
    }


def test_external_upload_employee_own_record(client, employee_a, course):
    """An employee uploads a PDF for themselves; it is stored pending under a random name."""
    client.force_login(employee_a)
    response = client.post(
        reverse("learning_external_upload"), _upload_data(course, name="Mein Zertifikat.PDF")
    )
    assert response.status_code == 302
    item = ExternalQualification.objects.get()
    assert (item.user, item.uploaded_by, item.status) == (employee_a, employee_a, "pending")
    assert "Zertifikat" not in item.file.name and item.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "nachweis.pdf", "heißt .pdf, ist aber kein PDF"),
        (b"hello", "nachweis.txt", "Nur PDF-Dateien"),
        (b"%PDF-" + b"0" * MAX_PROOF_BYTES, "gross.pdf", "größer als 10 MB"),
    ],
)
def test_external_upload_rejects_bad_files(client, employee_a, course, content, name, message):
    """Fake PDFs, other types and files over 10 MB get a German error and nothing is saved."""
    client.force_login(employee_a)
    response = client.post(
        reverse("learning_external_upload"), _upload_data(course, content=content, name=name)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExternalQualification.objects.exists()


def test_external_download_only_person_and_hr_in_scope(
    client, employee_a, hr_a, hr_b, learner_a, course
):
    """The person and A's HR can download; B's HR and a colleague get 404."""
    client.force_login(hr_a)
    client.post(reverse("hr_external_upload", args=[employee_a.pk]), _upload_data(course))
    item = ExternalQualification.objects.get(user=employee_a)
    assert item.uploaded_by == hr_a
    url = reverse("learning_external_download", args=[item.pk])
    for user, status in ((employee_a, 200), (hr_a, 200), (hr_b, 404), (learner_a, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_external_approved_counts_in_matrix(client, hr_a, gemeinde_a, employee_a, course):
    """After HR approves, the matrix shows the qualification as held until its valid_until."""
    client.force_login(employee_a)
    until = timezone.localdate() + timedelta(days=400)
    client.post(
        reverse("learning_external_upload"),
        _upload_data(course, valid_until=until.isoformat()),
    )
    item = ExternalQualification.objects.get()
    assert qualification_matrix(unit=gemeinde_a).rows[0].cells[0].status == "not_started"
    client.force_login(hr_a)
    response = client.post(
        reverse("hr_external_review", args=[employee_a.pk, item.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    cell = qualification_matrix(unit=gemeinde_a).rows[0].cells[0]
    assert (cell.status, cell.valid_until) == ("held", until)


def test_external_review_of_neighbour_is_404(client, hr_a, employee_b, course):
    """HR of A cannot approve B's upload."""
    item = ExternalQualification.objects.create(
        user=employee_b,
        course=course,
        title="x",
        provider="y",
        completed_on=timezone.localdate(),
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    client.force_login(hr_a)
    response = client.post(
        reverse("hr_external_review", args=[employee_b.pk, item.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "pending"


def test_xlsx_export_scoped_and_formula_safe(
    client, hr_a, gemeinde_a, employee_a, employee_b, django_capture_on_commit_callbacks
):
    """The workbook (built by the eager task, then downloaded) has German headers, no row of B,
    and a name starting with = is text."""
    client.force_login(hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        status_page = client.post(reverse("hr_matrix_xlsx", args=[gemeinde_a.pk]))
    export = MatrixExport.objects.get()
    assert status_page.url == reverse("hr_matrix_export", args=[export.pk])
    response = client.get(reverse("hr_matrix_export_download", args=[export.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0][:2]) == ["Name", "E-Mail-Adresse"]
    names = [row[0] for row in rows[1:]]
    assert '=HYPERLINK("http://evil")' in names
    assert all("Bernd" not in name for name in names)
    cell = workbook.active["A2"] if rows[1][0].startswith("=") else workbook.active["A3"]
    assert cell.data_type == "s"


def _csv(*lines):
    text = "Name;E-Mail;Einheit;Stellenprofil\n" + "\n".join(lines) + "\n"
    return SimpleUploadedFile("import.csv", text.encode("utf-8"), content_type="text/csv")


IMPORT_LINES = (
    "Neue Person;neu@bonn.de;Bürgerdienste Bonn;Chief Digital Officer",
    "Falsche Adresse;keine-adresse;Bürgerdienste Bonn;",
    "Nachbar;nachbar@koeln.de;Kundenzentren Köln;",
    "Unbekannt;unbekannt@bonn.de;Bürgerdienste Bonn;Astronaut",
    "Doppelt;NEU@bonn.de;Bürgerdienste Bonn;",
)


def test_import_preview_writes_nothing(client, hr_a, gemeinde_a, amt_a, amt_b, cdo_profile):
    """The preview lists German row errors (invalid e-mail, neighbour's unit, unknown profile,
    duplicate) and creates no one."""
    client.force_login(hr_a)
    users_before = User.objects.count()
    response = client.post(
        reverse("hr_import", args=[gemeinde_a.pk]), {"file": _csv(*IMPORT_LINES)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "keine gültige E-Mail-Adresse" in html
    assert "Unbekannte Einheit „Kundenzentren Köln“" in html
    assert "Unbekanntes Stellenprofil „Astronaut“" in html
    assert "mehr als einmal" in html
    assert User.objects.count() == users_before


def test_import_confirm_writes_only_valid_rows(client, hr_a, gemeinde_a, amt_a, amt_b, cdo_profile):
    """Confirming creates the one valid person, in A's unit with the job profile, no password."""
    client.force_login(hr_a)
    preview = client.post(reverse("hr_import", args=[gemeinde_a.pk]), {"file": _csv(*IMPORT_LINES)})
    token = preview.context["token"]
    users_before = User.objects.count()
    response = client.post(reverse("hr_import", args=[gemeinde_a.pk]), {"token": token})
    assert response.status_code == 302
    assert User.objects.count() == users_before + 1
    person = User.objects.get(email="neu@bonn.de")
    assert not person.has_usable_password()
    assert person.name_source == "hr" and person.verified_name == person.full_name
    membership = Membership.objects.get(user=person)
    assert membership.organisation == amt_a
    assert list(membership.job_profiles.all()) == [cdo_profile]
    assert not User.objects.filter(email__in=["nachbar@koeln.de", "unbekannt@bonn.de"]).exists()


def test_import_token_not_usable_for_other_unit(client, hr_a, gemeinde_a, amt_a, cdo_profile):
    """A preview token of one unit cannot be replayed against another unit."""
    client.force_login(hr_a)
    preview = client.post(
        reverse("hr_import", args=[gemeinde_a.pk]),
        {"file": _csv("Neue Person;neu@bonn.de;Bürgerdienste Bonn;")},
    )
    response = client.post(
        reverse("hr_import", args=[amt_a.pk]), {"token": preview.context["token"]}
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="neu@bonn.de").exists()


def member_holding_external(unit, profile, course, full_name: str):
    """A member with ``profile`` who holds ``course`` through an approved external proof
    (written without the review service: the status is stored as the rebuild would)."""
    person = make_member(unit, full_name=full_name)
    services.membership_set(user=person, organisation=unit, job_profiles=[profile])
    ExternalQualification.objects.create(
        user=person,
        course=course,
        title="Extern",
        provider="Anbieter",
        completed_on=timezone.localdate(),
        file="nachweise/x.pdf",
        status=ExternalQualification.Status.APPROVED,
    )
    qualification_status_refresh(user_ids=[person.pk])
    return person


def _staff_with_external(amt_a, cdo_profile, course, people):
    for number in range(people):
        member_holding_external(amt_a, cdo_profile, course, f"Person {number:02d}")


# The export with its unit and requester, the requester's scope; the per-(course, status)
# aggregate that yields the columns, the column pages, the page of people (with the total);
# total and done set; the server-side cursor of all ids and, per chunk of 2,000 people,
# memberships with job profiles and the stored cells; the export marked ready and read back.
# Progress adds one UPDATE per 500 rows.
XLSX_BUILD_QUERIES = 11


@pytest.mark.parametrize("people", [2, 20])
def test_matrix_with_external_query_count_constant(
    client, hr_a, gemeinde_a, amt_a, cdo_profile, course, django_assert_num_queries, people
):
    """Approved external qualifications cost one query for the page, with 2 or 20 people."""
    _staff_with_external(amt_a, cdo_profile, course, people)
    client.force_login(hr_a)
    with django_assert_num_queries(MATRIX_QUERIES):
        response = client.get(reverse("hr_matrix", args=[gemeinde_a.pk]))
    assert response.content.decode().count("vorhanden") >= people


@pytest.mark.parametrize("people", [2, 20])
def test_xlsx_export_query_count_constant(
    client, hr_a, gemeinde_a, amt_a, cdo_profile, course, django_assert_num_queries, people
):
    """Building the XLSX costs the same number of queries with 2 or 20 employees."""
    _staff_with_external(amt_a, cdo_profile, course, people)
    export = MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a)
    with django_assert_num_queries(XLSX_BUILD_QUERIES):
        export = matrix_export_build(export_id=export.pk)
    assert export.status == MatrixExport.Status.READY
    client.force_login(hr_a)
    response = client.get(reverse("hr_matrix_export_download", args=[export.pk]))
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == people + 2 and rows[1][4] == "vorhanden"  # + header, HR user


def test_xlsx_export_progress_one_update_per_500_rows(
    hr_a, gemeinde_a, amt_a, cdo_profile, course, django_assert_num_queries, monkeypatch
):
    """``done`` is written once per PROGRESS_EVERY rows (one UPDATE), not once per row."""
    from lms.services import hr_exports

    monkeypatch.setattr(hr_exports, "PROGRESS_EVERY", 2)
    _staff_with_external(amt_a, cdo_profile, course, 5)  # with the HR user: 6 rows
    export = MatrixExport.objects.create(organisation=gemeinde_a, requested_by=hr_a)
    with django_assert_num_queries(XLSX_BUILD_QUERIES + 3) as captured:
        matrix_export_build(export_id=export.pk)
    updates = [q["sql"] for q in captured.captured_queries if 'SET "done" =' in q["sql"]]
    assert len(updates) == 3


def test_external_cell_statuses():
    """An external qualification is held, expiring within 90 days, or expired by valid_until;
    it only replaces a cell it beats."""
    from datetime import date

    from lms.selectors.hr.cells import Cell, better_cell, cell_for_external

    today = date(2026, 11, 26)
    assert cell_for_external(None, today=today).status == "held"
    assert cell_for_external(date(2027, 1, 10), today=today).status == "expiring"
    assert cell_for_external(date(2026, 11, 1), today=today).status == "expired"
    held = Cell("held", valid_until=date(2028, 1, 1))
    assert better_cell(Cell("overdue"), held) is held
    assert better_cell(held, Cell("expiring")) is held
    assert better_cell(Cell("in_progress"), Cell("expired")).status == "in_progress"
