"""HR's assignments after they were made: a list with counts, a change of the due date for
everyone not done yet (after seeing who would be overdue at once), and cancelling, which ends
the open enrolments that came only from it and keeps completed ones."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import AuditEvent, Enrolment, QualificationStatus
from lms.services.hr import assignment_create
from tests.factories import make_member, refresh_statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(hr_a, amt_a, course):
    """The test course assigned to Bürgerdienste Bonn (three people), one of them done."""
    people = [make_member(amt_a, full_name=f"Person {n}", email=f"p{n}@bonn.de") for n in range(3)]
    assignment = assignment_create(
        created_by=hr_a,
        organisation=amt_a,
        course=course,
        due_date=timezone.localdate() + timedelta(days=60),
    )
    Enrolment.objects.filter(user=people[0], course=course).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    refresh_statuses(people[0])
    return assignment, people


def test_hr_lists_the_units_assignments_with_counts(
    client, hr_a, gemeinde_a, assigned, django_assert_num_queries
):
    assignment, _people = assigned
    client.force_login(hr_a)
    url = reverse("hr_assignments", args=[gemeinde_a.pk])
    client.get(url)
    with django_assert_num_queries(ASSIGNMENT_LIST_QUERIES):
        response = client.get(url)
    row = response.content.decode().split("Vergabe kompakt", 1)[1].split("</tr>", 1)[0]
    assert "<td>3</td>" in row and "<td>1</td>" in row  # three people, one done
    assert reverse("hr_assignment_edit", args=[assignment.pk]) in row
    assignment_create(
        created_by=hr_a, organisation=gemeinde_a, course=assignment.course, due_days_after_joining=9
    )
    with django_assert_num_queries(ASSIGNMENT_LIST_QUERIES):
        assert "9 Tage nach Eintritt" in client.get(url).content.decode()


# session, user, the unit in scope, the assignments with their counts (one query for any number)
ASSIGNMENT_LIST_QUERIES = 4


def test_a_corrected_due_date_reaches_everyone_not_done_after_a_preview(client, hr_a, assigned):
    """The reported case: assigning again with a corrected date kept the old one. Now HR
    changes the assignment; a date in the past first shows who would be overdue."""
    assignment, people = assigned
    client.force_login(hr_a)
    url = reverse("hr_assignment_edit", args=[assignment.pk])
    past = timezone.localdate() - timedelta(days=1)

    preview = client.post(url, {"due_date": past.isoformat()}).content.decode()

    assert "2 Personen wären sofort überfällig" in preview
    assert "Person 1" in preview and "Person 0" not in preview  # Person 0 is done
    assert Enrolment.objects.get(user=people[1]).due_date != past  # nothing changed yet
    new_date = timezone.localdate() + timedelta(days=14)
    response = client.post(url, {"due_date": new_date.isoformat(), "bestaetigt": "1"})
    assert response.status_code == 302
    assert {e.due_date for e in Enrolment.objects.filter(user__in=people[1:])} == {new_date}
    assert Enrolment.objects.get(user=people[0]).due_date != new_date  # completed: kept
    assert QualificationStatus.objects.get(user=people[1]).due_date == new_date  # the matrix
    assert AuditEvent.objects.filter(action="assignment_changed").exists()


def test_cancelling_ends_open_enrolments_and_keeps_completed_ones(client, hr_a, assigned):
    assignment, people = assigned
    client.force_login(hr_a)
    url = reverse("hr_assignment_cancel", args=[assignment.pk])
    assert "Zuweisung aufheben" in client.get(url).content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.cancelled_at is not None and assignment.cancelled_by == hr_a
    done = Enrolment.objects.get(user=people[0])
    assert done.status == Enrolment.Status.COMPLETED
    for person in people[1:]:
        enrolment = Enrolment.objects.get(user=person)
        assert enrolment.status == Enrolment.Status.WITHDRAWN
        assert not QualificationStatus.objects.filter(user=person, required=True).exists()
    assert AuditEvent.objects.filter(action="assignment_cancel").exists()


def test_a_newcomer_is_not_assigned_a_cancelled_course(client, hr_a, amt_a, assigned):
    from lms.services.assignments import assignment_cancel

    assignment, _people = assigned
    assignment_cancel(assignment=assignment, by=hr_a)

    newcomer = make_member(amt_a, full_name="Nina Neu", email="nina@bonn.de")

    assert not Enrolment.objects.filter(user=newcomer).exists()


def test_learners_are_told_once_when_a_course_is_assigned(
    hr_a, amt_a, course, django_capture_on_commit_callbacks, mailoutbox
):
    """The reported case: no mail when a course was assigned. Now each person gets one, with
    the due date, and the daily reminder run does not send it again."""
    from lms.tasks import assigned_mails_send_task

    people = [make_member(amt_a, full_name=f"Person {n}", email=f"p{n}@bonn.de") for n in range(2)]
    due = timezone.localdate() + timedelta(days=60)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_create(created_by=hr_a, organisation=amt_a, course=course, due_date=due)

    assert sorted(m.to[0] for m in mailoutbox) == [p.email for p in people]
    mail = mailoutbox[0]
    assert "Pflichtkurs" in mail.subject and due.strftime("%d.%m.%Y") in mail.subject
    assert "Bürgerdienste Bonn" in mail.body and "Vergabe kompakt" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        assert assigned_mails_send_task() == 0  # the hourly catch-up finds nothing more
    newcomer = make_member(amt_a, full_name="Nina Neu", email="nina@bonn.de")
    with django_capture_on_commit_callbacks(execute=True):
        assert assigned_mails_send_task() == 1
    assert mailoutbox[-1].to == [newcomer.email] and len(mailoutbox) == 3
