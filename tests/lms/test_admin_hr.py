"""Django admin for the HR models: every changelist loads for a superuser; logs are read-only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import DigestSent, ExternalQualification, ReminderSent, User
from lms.services.hr import assignment_create

# model → a text its changelist must show for the records of ``hr_records``
HR_MODELS = {
    "assignment": "Vergabe kompakt",
    "auditevent": "",
    "digestsent": "2026-W48",
    "enrolment": "HYPERLINK",
    "externalqualification": "Vergaberecht extern",
    "jobprofile": "Chief Digital Officer",
    "membership": "Bürgerdienste Bonn",
    "remindersent": "HYPERLINK",
}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        email="betrieb@example.org", full_name="Plattform Betrieb", password="Betrieb-2026-x"
    )


@pytest.fixture
def hr_records(hr_a, gemeinde_a, employee_a, course):
    """One row of each HR model for Gemeinde A."""
    assignment_create(
        created_by=hr_a,
        organisation=gemeinde_a,
        course=course,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    enrolment = employee_a.enrolments.get()
    ReminderSent.objects.create(enrolment=enrolment, kind="due_14", due_date=enrolment.due_date)
    DigestSent.objects.create(user=hr_a, week="2026-W48")
    ExternalQualification.objects.create(
        user=employee_a,
        course=course,
        title="Vergaberecht extern",
        provider="Verwaltungsakademie",
        completed_on=timezone.localdate(),
        file="nachweise/x.pdf",
    )


@pytest.mark.parametrize("model", HR_MODELS)
def test_admin_changelist_loads_for_superuser(client, superuser, hr_records, model):
    """Each HR changelist opens, also with a search term, and lists the record."""
    client.force_login(superuser)
    url = reverse(f"admin:lms_{model}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert HR_MODELS[model] in response.content.decode()
    assert client.get(url, {"q": "Bonn"}).status_code == 200


@pytest.mark.parametrize("model", ["remindersent", "digestsent", "auditevent", "enrolment"])
def test_admin_logs_are_read_only(client, superuser, hr_records, model):
    """Logs and service-written records cannot be added or changed in the admin."""
    client.force_login(superuser)
    assert client.get(reverse(f"admin:lms_{model}_add")).status_code == 403
    changelist = client.get(reverse(f"admin:lms_{model}_changelist")).content.decode()
    assert reverse(f"admin:lms_{model}_add") not in changelist
