"""Assignment dates HR can rely on: a due date in the past needs an explicit confirmation, and
someone who joins after an assignment's due date is not overdue on their first day."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lms.models import Assignment, Enrolment
from lms.services.hr import NEWCOMER_DAYS, assignment_create
from tests.factories import make_member


def test_past_due_date_needs_confirmation(client, hr_a, gemeinde_a, employee_a, course):
    """The reported case: a date in the past was accepted and everyone was overdue at once."""
    client.force_login(hr_a)
    url = reverse("hr_assignment_new", args=[gemeinde_a.pk])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(url, {"course": course.pk, "due_date": yesterday})
    html = response.content.decode()
    assert response.status_code == 200 and not Assignment.objects.exists()
    assert "liegt in der Vergangenheit" in html
    assert 'type="checkbox" name="confirm_past_due_date"' in html
    assert f'value="{yesterday}"' in html  # what was typed stays
    response = client.post(
        url, {"course": course.pk, "due_date": yesterday, "confirm_past_due_date": "on"}
    )
    assert response.status_code == 302 and Assignment.objects.count() == 1


def test_newcomer_after_a_past_due_date_gets_their_own_period(hr_a, gemeinde_a, amt_a, course):
    """The reported case: a person imported after the assignment was overdue was overdue on
    their first day."""
    today = timezone.localdate()
    assignment = assignment_create(
        created_by=hr_a, organisation=gemeinde_a, course=course, due_date=today - timedelta(days=5)
    )
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    newcomer = make_member(amt_a, full_name="Neu Importiert")
    enrolment = Enrolment.objects.get(user=newcomer, course=course)
    assert enrolment.due_date == today + timedelta(days=NEWCOMER_DAYS)
