"""HR: the qualification matrix, exports, records and assignments — scoped to one's own
municipality, with every HR URL of the neighbour a 404."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from courses.models import LegalActChange
from lms import services
from lms.dates import add_months
from lms.models import (
    Enrolment,
    ExternalQualification,
    MatrixExport,
    Membership,
    NameChangeRequest,
    PeopleSync,
)
from lms.selectors.hr.cells import cell_for
from lms.selectors.hr.matrix import qualification_matrix
from lms.services.hr import assignment_create
from tests.factories import make_identity_provider, make_member


def _hr_urls():
    """Every named URL of the HR area, collected from the URLconf so none can be forgotten."""
    names = []

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and (pattern.name or "").startswith("hr_"):
                names.append(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_hr_url_of_neighbour_is_404(
    client, hr_a, hr_b, gemeinde_b, amt_b, employee_b, course
):
    """HR of A asking for B's unit, employee, export, assignment or upload gets 404."""
    external_b = ExternalQualification.objects.create(
        user=employee_b,
        course=course,
        title="Extern",
        provider="Anbieter",
        completed_on=timezone.localdate(),
        file="nachweise/x.pdf",
    )
    export_b = MatrixExport.objects.create(
        organisation=gemeinde_b,
        requested_by=hr_b,
        status=MatrixExport.Status.READY,
        file="exports/matrix/b.xlsx",
    )
    client.force_login(hr_a)
    names = _hr_urls()
    assert {
        "hr_matrix",
        "hr_matrix_csv",
        "hr_matrix_xlsx",
        "hr_matrix_export",
        "hr_matrix_export_download",
        "hr_employee",
        "hr_assignment_new",
    } <= set(names)
    assignment_b = assignment_create(
        created_by=hr_b, organisation=amt_b, course=course, due_days_after_joining=30
    )
    sync_b = PeopleSync.objects.create(organisation=amt_b, requested_by=hr_b, status="checked")
    name_request_b = NameChangeRequest.objects.create(
        user=employee_b, requested_name="Anders", previous_name=employee_b.verified_name
    )
    change = LegalActChange.objects.create(
        title="Neue Schwellenwerte", status=LegalActChange.Status.ADOPTED, update_course=course
    )
    for name in names:
        if name in ("hr_home", "hr_name_requests"):  # lists of one's own scope, no object
            continue
        if name == "hr_name_request_decide":
            kwargs = {"pk": name_request_b.pk}
        elif name == "hr_identity_provider":
            kwargs = {"unit_id": amt_b.pk, "pk": make_identity_provider(amt_b).pk}
        elif name in ("hr_sync_detail", "hr_sync_apply"):
            kwargs = {"pk": sync_b.pk}
        elif name in ("hr_assignment_edit", "hr_assignment_cancel"):
            kwargs = {"pk": assignment_b.pk}
        elif name == "hr_invitation_send":
            kwargs = {"unit_id": amt_b.pk, "user_id": employee_b.pk}
        elif name == "hr_legal_update_assign":
            kwargs = {"unit_id": amt_b.pk, "change_id": change.pk}
        elif name == "hr_external_review":
            kwargs = {"user_id": employee_b.pk, "pk": external_b.pk}
        elif name in (
            "hr_employee",
            "hr_external_upload",
            "hr_time_extension",
            "hr_employment_end",
        ):
            kwargs = {"user_id": employee_b.pk}
        elif name in ("hr_matrix_export", "hr_matrix_export_download"):
            kwargs = {"pk": export_b.pk}
        else:
            kwargs = {"unit_id": amt_b.pk}
        for method in (client.get, client.post):
            response = method(reverse(name, kwargs=kwargs))
            assert response.status_code in (404, 405), (name, response.status_code)
            assert response.status_code != 200
    assert not MatrixExport.objects.exclude(pk=export_b.pk).exists()  # nothing queued for B
    assert PeopleSync.objects.get(pk=sync_b.pk).status == "checked"  # not applied by A
    assignment_b.refresh_from_db()
    assert assignment_b.cancelled_at is None and assignment_b.due_days_after_joining == 30


def test_global_permission_does_not_open_neighbour(client, hr_a, amt_b):
    """A model-wide permission given to the HR user by mistake still gives 404 for B."""
    assign_perm("lms.view_hr_records", hr_a)
    client.force_login(hr_a)
    assert client.get(reverse("hr_matrix", args=[amt_b.pk])).status_code == 404


def test_removed_hr_loses_access_at_once(client, hr_a, gemeinde_a):
    """Removing the HR membership closes the matrix immediately."""
    client.force_login(hr_a)
    assert client.get(reverse("hr_matrix", args=[gemeinde_a.pk])).status_code == 200
    services.membership_remove(user=hr_a, organisation=gemeinde_a)
    assert client.get(reverse("hr_matrix", args=[gemeinde_a.pk])).status_code == 404


def test_matrix_shows_own_people_only(client, hr_a, gemeinde_a, employee_a, employee_b, course):
    """A's matrix lists A's employee with the required course, and nobody from B."""
    client.force_login(hr_a)
    html = client.get(reverse("hr_matrix", args=[gemeinde_a.pk])).content.decode()
    assert "HYPERLINK" in html and course.title in html and "nicht begonnen" in html
    assert "Bernd Köln" not in html


def test_csv_export_scoped_and_formula_safe(client, hr_a, gemeinde_a, employee_a, employee_b):
    """The export has German headers, no row of B, and names cannot become formulas."""
    client.force_login(hr_a)
    response = client.get(reverse("hr_matrix_csv", args=[gemeinde_a.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Name", "E-Mail-Adresse"]
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert all("Bernd" not in name for name in names)


def test_assignment_enrols_unit_and_later_joiners(
    client, hr_a, gemeinde_a, amt_a, employee_a, course
):
    """Assigning a course enrols the unit's people with the due date, and newcomers too."""
    client.force_login(hr_a)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("hr_assignment_new", args=[gemeinde_a.pk]),
        {"course": course.pk, "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=employee_a, course=course)
    assert (enrolment.source, enrolment.due_date) == (Enrolment.Source.ASSIGNED, due)
    newcomer = make_member(amt_a, full_name="Neu Hinzugekommen")
    assert Enrolment.objects.get(user=newcomer, course=course).due_date == due


def test_assignment_needs_exactly_one_kind_of_due_date(client, hr_a, gemeinde_a, course):
    """Without a due date the form explains the problem in German and saves nothing."""
    client.force_login(hr_a)
    response = client.post(
        reverse("hr_assignment_new", args=[gemeinde_a.pk]), {"course": course.pk}
    )
    assert response.status_code == 200
    assert "Fälligkeitsdatum" in response.content.decode()


def test_assignment_relative_due_date(hr_a, gemeinde_a, amt_a, course):
    """'N days after joining' counts from each person's joining date."""
    assignment = assignment_create(
        created_by=hr_a, organisation=gemeinde_a, course=course, due_days_after_joining=14
    )
    newcomer = make_member(amt_a)
    membership = Membership.objects.get(user=newcomer)
    assert Enrolment.objects.get(
        user=newcomer, course=course
    ).due_date == membership.joined_on + timedelta(days=14)
    assert assignment.enrolments.count() >= 1


def test_employee_record_visible_only_in_scope(client, hr_a, employee_a, employee_b):
    """HR opens their own employee's record; the neighbour's employee is a 404."""
    client.force_login(hr_a)
    assert client.get(reverse("hr_employee", args=[employee_a.pk])).status_code == 200
    assert client.get(reverse("hr_employee", args=[employee_b.pk])).status_code == 404


def test_learner_cannot_open_matrix(client, learner_a, gemeinde_a):
    """A plain employee has no HR view: 404."""
    client.force_login(learner_a)
    assert client.get(reverse("hr_matrix", args=[gemeinde_a.pk])).status_code == 404


def test_cell_statuses(enrolment):
    """Held, expiring, expired, overdue, in progress and not started are told apart."""
    today = date(2026, 11, 26)
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = timezone.make_aware(timezone.datetime(2026, 6, 1, 12))
    enrolment.valid_until = date(2027, 6, 1)  # fixed at completion (lms.dates)
    assert cell_for(enrolment, required=True, percent=100, today=today).status == "held"
    enrolment.valid_until = date(2027, 1, 10)
    assert cell_for(enrolment, required=True, percent=100, today=today).status == "expiring"
    enrolment.valid_until = date(2026, 1, 10)
    assert cell_for(enrolment, required=True, percent=100, today=today).status == "expired"
    enrolment.valid_until = None  # a course without expiry
    assert cell_for(enrolment, required=True, percent=100, today=today).status == "held"
    enrolment.status, enrolment.due_date = Enrolment.Status.ACTIVE, date(2026, 11, 1)
    assert cell_for(enrolment, required=True, percent=40, today=today).status == "overdue"
    enrolment.due_date = None
    assert cell_for(enrolment, required=True, percent=40, today=today).status == "in_progress"
    assert cell_for(None, required=True, percent=0, today=today).status == "not_started"
    assert cell_for(None, required=False, percent=0, today=today).status == "not_required"


def test_add_months_handles_month_ends():
    """31 January plus one month is the end of February."""
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 24) == date(2028, 11, 30)


# Session, user, unit; one aggregate per (course, status, required) over the stored statuses of
# the unit's people (columns and status counts), the column pages, the page of people with the
# total; for that page memberships with job profiles and the stored cells; the audit event.
# Was 14 computing cells live.
MATRIX_QUERIES = 10


@pytest.mark.parametrize("people", [2, 20])
def test_matrix_query_count_constant(
    client, hr_a, gemeinde_a, amt_a, cdo_profile, django_assert_num_queries, people
):
    """The matrix page, unfiltered and filtered by status, costs the same number of queries
    with 2 or 20 employees."""
    for number in range(people):
        person = make_member(amt_a, full_name=f"Person {number:02d}")
        services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
    client.force_login(hr_a)
    with django_assert_num_queries(MATRIX_QUERIES):
        response = client.get(reverse("hr_matrix", args=[gemeinde_a.pk]))
    assert "Person 00" in response.content.decode()
    with django_assert_num_queries(MATRIX_QUERIES + 1):  # the filter counts its people
        response = client.get(reverse("hr_matrix", args=[gemeinde_a.pk]), {"status": "not_started"})
    assert "Person 00" in response.content.decode()


def test_matrix_status_filter(hr_a, gemeinde_a, employee_a):
    """Filtering by 'not started' keeps only people with such a cell."""
    matrix = qualification_matrix(unit=gemeinde_a, status="not_started")
    assert [row.user.pk for row in matrix.rows] == [employee_a.pk]
    assert qualification_matrix(unit=gemeinde_a, status="held").rows == []


def test_dashboard_counts_agree_with_matrix(client, hr_a, gemeinde_a, employee_a, course):
    """Per-unit completion appears as chart and table; an overdue item is listed by name."""
    from lms.services.hr import enrolment_assign

    enrolment_assign(
        user=employee_a, course=course, due_date=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(hr_a)
    html = client.get(reverse("hr_dashboard", args=[gemeinde_a.pk])).content.decode()
    assert "<svg" in html and "<table" in html and "Bürgerdienste Bonn" in html
    assert "0 %" in html and "HYPERLINK" in html
