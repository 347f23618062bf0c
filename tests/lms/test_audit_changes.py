"""Changes to people's records are audited, not only views: HR imports, assignments, role and
membership changes in the admin, certificate revocations and corrections. The org admin of the
unit reads them in the access log; the neighbouring municipality's admin gets a 404."""

import datetime as dt

from django.urls import reverse

from lms.models import AuditEvent, Membership
from lms.services.hr import assignment_create
from lms.services.people_import import employee_import_apply
from tests.factories import UserFactory


def test_import_and_assignment_are_in_the_org_admins_log(
    client, hr_a, admin_a, admin_b, gemeinde_a, amt_a, course
):
    rows = [
        {
            "line": 2,
            "name": "Ida Import",
            "email": "ida@bonn.de",
            "unit_name": "",
            "job_profile_name": "",
        }
    ]
    created, _updated = employee_import_apply(data=rows, unit=amt_a, hr_user=hr_a)
    assert created == 1
    assignment_create(
        created_by=hr_a, organisation=amt_a, course=course, due_date=dt.date(2027, 3, 31)
    )
    imported = AuditEvent.objects.get(action="imported_people")
    assert (imported.actor, imported.organisation) == (hr_a, amt_a)
    assert imported.detail == {"created": 1, "updated": 0}
    assigned = AuditEvent.objects.get(action="assigned")
    assert assigned.detail["course"] == course.title and assigned.detail["due_date"] == "2027-03-31"
    client.force_login(admin_a)
    html = client.get(reverse("hr_audit_log", args=[gemeinde_a.pk])).content.decode()
    assert "Personen importiert" in html and "Kurs zugewiesen" in html
    client.force_login(admin_b)
    assert client.get(reverse("hr_audit_log", args=[gemeinde_a.pk])).status_code == 404


def test_role_change_and_end_in_the_admin_are_audited(client, amt_a, learner_a):
    operator = UserFactory(is_staff=True, is_superuser=True, email="betrieb@example.org")
    client.force_login(operator)
    membership = Membership.objects.get(user=learner_a, organisation=amt_a)
    url = reverse("admin:lms_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {"user": learner_a.pk, "organisation": amt_a.pk, "role": "hr", "joined_on": "2026-01-05"},
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action="membership_changed")
    assert (changed.actor, changed.subject, changed.detail) == (operator, learner_a, {"role": "hr"})
    client.post(reverse("admin:lms_membership_delete", args=[membership.pk]), {"post": "yes"})
    ended = AuditEvent.objects.get(action="membership_ended")
    assert (ended.subject, ended.organisation) == (learner_a, amt_a)
