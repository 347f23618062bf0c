""" "Mein Lernen" puts overdue and due-soon mandatory courses first, marked in text and symbol,
with who assigned them (the reported case: an overdue mandatory course showed only as
"Fällig bis … (zugewiesen)", below courses without a due date)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lms.models import Enrolment
from lms.services.hr import assignment_create
from lms.services.learning import enrolment_create
from tests.factories import refresh_statuses


def test_overdue_first_with_text_symbol_and_who_assigned(
    client, hr_a, amt_a, learner_a, seeded_courses
):
    first, second, third = seeded_courses[:3]
    today = timezone.localdate()
    assignment_create(
        created_by=hr_a, organisation=amt_a, course=first, due_date=today + timedelta(days=40)
    )
    Enrolment.objects.filter(user=learner_a, course=first).update(
        due_date=today - timedelta(days=3)
    )
    refresh_statuses(learner_a)
    enrolment_create(user=learner_a, course=second)  # no due date, enrolled last
    enrolment_create(user=learner_a, course=third, due_date=today + timedelta(days=5))
    client.force_login(learner_a)
    html = client.get(reverse("learning_dashboard")).content.decode()
    positions = [html.index(course.title) for course in (first, third, second)]
    assert positions == sorted(positions)
    assert "Überfällig seit" in html and "⚠" in html
    assert "Bald fällig" in html
    assert f"Pflichtkurs, zugewiesen von {amt_a.name}" in html
