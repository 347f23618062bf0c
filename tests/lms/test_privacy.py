"""Data protection: the audit log of HR access, the learner's own data export and erasure."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms import services
from lms.models import AuditEvent, Enrolment, JobProfile, Membership, User
from lms.personal_data import REGISTRY
from lms.services import learning as learning_services
from lms.services.audit import audit_record
from lms.services.privacy import person_erase
from tests.factories import UserFactory, make_member
from tests.lms.learning_helpers import answers_for, quiz_of


@pytest.fixture
def cdo_profile(course):
    profile = JobProfile.objects.create(name="Chief Digital Officer")
    profile.required_courses.add(course)
    return profile


@pytest.fixture
def employee_a(amt_a, cdo_profile):
    person = make_member(amt_a, full_name="Erika Bonn", email="erika@bonn.de")
    services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
    return person


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        email="betrieb@example.org", full_name="Plattform Betrieb", password="Betrieb-2026-x"
    )


def test_matrix_view_records_one_event_with_unit(client, hr_a, gemeinde_a, employee_a):
    """Opening the matrix writes one viewed_matrix event for the unit."""
    client.force_login(hr_a)
    client.get(reverse("hr_matrix", args=[gemeinde_a.pk]))
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.organisation) == (hr_a, "viewed_matrix", gemeinde_a)


def test_employee_view_records_subject(client, hr_a, amt_a, employee_a):
    """Opening an employee record writes viewed_employee naming the person and their unit."""
    client.force_login(hr_a)
    client.get(reverse("hr_employee", args=[employee_a.pk]))
    event = AuditEvent.objects.get()
    assert (event.action, event.subject, event.organisation) == (
        "viewed_employee",
        employee_a,
        amt_a,
    )


def test_csv_export_records_filter_and_row_count(client, hr_a, gemeinde_a, employee_a):
    """The CSV export writes exported_matrix with the filter used and the number of rows."""
    client.force_login(hr_a)
    response = client.get(reverse("hr_matrix_csv", args=[gemeinde_a.pk]), {"status": "not_started"})
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get()
    assert event.action == "exported_matrix" and event.organisation == gemeinde_a
    assert event.detail == {"filter": {"status": "not_started"}, "rows": 1}


def test_audit_log_visible_to_org_admin_only(
    client, admin_a, admin_b, hr_a, gemeinde_a, employee_a
):
    """The org admin of A sees A's log; HR of A and the org admin of B get 404."""
    audit_record(actor=hr_a, action="viewed_employee", subject=employee_a)
    url = reverse("hr_audit_log", args=[gemeinde_a.pk])
    client.force_login(admin_a)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erika Bonn" in html and "Łukasz Żółć" in html
    for outsider in (hr_a, admin_b):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_own_data_export_stays_out_of_the_org_admins_log(client, admin_a, gemeinde_a, employee_a):
    """An employee's download of their own data is logged for the platform, not filed under
    their unit: the org admin's log does not show it."""
    client.force_login(employee_a)
    client.get(reverse("account_data_export"))
    event = AuditEvent.objects.get(action="data_export")
    assert event.subject == employee_a and event.organisation is None
    client.force_login(admin_a)
    html = client.get(reverse("hr_audit_log", args=[gemeinde_a.pk])).content.decode()
    assert "Erika Bonn" not in html


def test_organisation_page_links_audit_log_for_org_admin_only(client, admin_a, hr_a, gemeinde_a):
    """The unit page links the audit log for its org admin, not for HR."""
    url = reverse("organisation_detail", args=[gemeinde_a.pk])
    log_url = reverse("hr_audit_log", args=[gemeinde_a.pk])
    client.force_login(admin_a)
    assert log_url in client.get(url).content.decode()
    client.force_login(hr_a)
    assert log_url not in client.get(url).content.decode()


def test_audit_log_hides_other_municipality(client, admin_a, hr_b, gemeinde_b, amt_b):
    """Events filed under B never appear in A's log."""
    person_b = make_member(amt_b, full_name="Bernd Köln")
    audit_record(actor=hr_b, action="viewed_employee", subject=person_b)
    client.force_login(admin_a)
    units = [m.organisation for m in Membership.objects.filter(user=admin_a)]
    html = client.get(reverse("hr_audit_log", args=[units[0].pk])).content.decode()
    assert "Bernd Köln" not in html


@pytest.mark.parametrize("events", [2, 30])
def test_audit_log_query_count_constant(
    client, admin_a, hr_a, gemeinde_a, employee_a, django_assert_num_queries, events
):
    """The audit log costs the same number of queries with 2 or 30 events."""
    for _number in range(events):
        audit_record(actor=hr_a, action="viewed_employee", subject=employee_a)
    client.force_login(admin_a)
    with django_assert_num_queries(5):
        response = client.get(reverse("hr_audit_log", args=[gemeinde_a.pk]))
    assert response.status_code == 200


def test_audit_events_are_append_only(hr_a, employee_a):
    """Saving an existing event again or deleting it raises."""
    event = audit_record(actor=hr_a, action="viewed_employee", subject=employee_a)
    event.action = "erased"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert AuditEvent.objects.get().action == "viewed_employee"


def test_data_export_contains_own_learning_and_nothing_of_others(client, employee_a, hr_a, course):
    """The JSON holds the learner's enrolment and quiz answers, and no one else's data."""
    enrolment = learning_services.enrolment_create(user=employee_a, course=course)
    quiz = quiz_of(course)
    attempt = learning_services.quiz_attempt_start(enrolment=enrolment, quiz=quiz)
    learning_services.quiz_attempt_submit(attempt=attempt, answers=answers_for(quiz, correct=True))
    other = UserFactory(full_name="Fremde Person", email="fremd@koeln.de")
    learning_services.enrolment_create(user=other, course=course)
    client.force_login(employee_a)
    response = client.get(reverse("account_data_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "erika@bonn.de"
    assert [e["course_id"] for e in data["enrolments"]] == [course.pk]
    attempts = data["enrolments"][0]["quiz_attempts"]
    assert attempts[0]["score_percent"] == 100 and attempts[0]["answers"]
    assert data["learning_statements"]
    assert data["memberships"][0]["job_profiles"] == ["Chief Digital Officer"]
    assert data["format_version"] == "2.0"
    assert "cdo_network.Profile.user" in data["records"]
    text = response.content.decode()
    assert "fremd@koeln.de" not in text and "Fremde Person" not in text
    assert AuditEvent.objects.filter(action="data_export", subject=employee_a).count() == 1


def test_data_export_requires_login(client):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("account_data_export"))
    assert response.status_code == 302 and "anmelden" in response["Location"]


def test_data_export_follows_the_registry(client, employee_a):
    """Rows of a declared relation appear under its key, with the declared fields only."""
    from lms.models import DigestSent

    DigestSent.objects.create(user=employee_a, week="2026-W49")
    DigestSent.objects.create(user=UserFactory(), week="2026-W48")
    client.force_login(employee_a)
    data = json.loads(client.get(reverse("account_data_export")).content)
    rows = data["records"]["lms.DigestSent.user"]["rows"]
    assert [row["week"] for row in rows] == ["2026-W49"]
    assert set(rows[0]) == {"id", *REGISTRY["lms.DigestSent.user"].export}


def test_erasure_anonymises_and_keeps_aggregates(
    client, hr_a, gemeinde_a, employee_a, superuser, course
):
    """Name and e-mail go, memberships go (HR no longer sees the person), enrolments stay."""
    learning_services.enrolment_create(user=employee_a, course=course)
    enrolments_before = Enrolment.objects.filter(course=course).count()
    person_erase(user=employee_a, by=superuser)
    employee_a.refresh_from_db()
    assert employee_a.full_name == "Gelöschte Person"
    assert employee_a.email.startswith("geloescht-")
    assert employee_a.email.endswith("@invalid.example")
    assert not employee_a.has_usable_password() and not employee_a.is_active
    assert not Membership.objects.filter(user=employee_a).exists()
    assert Enrolment.objects.filter(course=course).count() == enrolments_before
    event = AuditEvent.objects.get(action="erased")
    assert (event.actor, event.subject) == (superuser, employee_a)
    client.force_login(hr_a)
    html = client.get(reverse("hr_matrix", args=[gemeinde_a.pk])).content.decode()
    assert "Erika Bonn" not in html and "Gelöschte Person" not in html
    assert client.get(reverse("hr_employee", args=[employee_a.pk])).status_code == 404


def test_erasure_removes_hr_permissions(hr_a, gemeinde_a, superuser):
    """An erased HR person loses their object permissions with the membership."""
    person_erase(user=hr_a, by=superuser)
    assert not hr_a.has_perm("lms.view_hr_records", gemeinde_a)


def _run_erase_action(client, person, *, confirm: bool):
    data = {"action": "erase_people", "_selected_action": [person.pk]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(reverse("admin:lms_user_changelist"), data)


def test_admin_action_confirms_then_erases(client, superuser, employee_a):
    """A superuser first sees a confirmation page, then the person is anonymised."""
    client.force_login(superuser)
    response = _run_erase_action(client, employee_a, confirm=False)
    assert response.status_code == 200 and "Erika Bonn" in response.content.decode()
    employee_a.refresh_from_db()
    assert employee_a.full_name == "Erika Bonn"
    response = _run_erase_action(client, employee_a, confirm=True)
    assert response.status_code == 302
    employee_a.refresh_from_db()
    assert employee_a.full_name == "Gelöschte Person"


def test_admin_action_requires_superuser(client, employee_a):
    """Staff without superuser rights cannot run the erasure action."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(staff)
    changelist = client.get(reverse("admin:lms_user_changelist")).content.decode()
    assert changelist and "erase_people" not in changelist
    _run_erase_action(client, employee_a, confirm=True)
    employee_a.refresh_from_db()
    assert employee_a.full_name == "Erika Bonn"


def test_data_export_includes_cdo_network_profile(client, employee_a):
    """The CDO network's exporter adds the person's directory profile, and only theirs."""
    from cdo_network.models import Profile

    Profile.objects.create(user=employee_a, role_title="CDO", bio="Offene Daten in Bonn")
    Profile.objects.create(user=UserFactory(), bio="Fremde Biografie")
    client.force_login(employee_a)
    data = json.loads(client.get(reverse("account_data_export")).content)
    rows = data["records"]["cdo_network.Profile.user"]["rows"]
    assert [row["bio"] for row in rows] == ["Offene Daten in Bonn"]
    assert "Fremde Biografie" not in json.dumps(data, ensure_ascii=False)
