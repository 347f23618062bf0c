"""Every write that changes a matrix cell refreshes the stored status in the same transaction:
HR sees the new status in the matrix right after the action (no rebuild, no nightly run)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from lms import services
from lms.models import ExternalQualification, JobProfile, QualificationStatus, User
from lms.selectors.hr.live import qualification_cells_live
from lms.selectors.hr.matrix import qualification_matrix
from lms.services import learning as svc
from lms.services.hr import assignment_create
from lms.services.privacy import person_erase
from lms.services.qualifications import external_qualification_review
from tests.factories import UserFactory, make_member
from tests.lms.learning_helpers import answers_for, lessons_of, quiz_of
from tests.lms.test_views_query_counts import build_course


def _cell(unit, person, course):
    """The cell HR sees in the matrix of ``unit`` (None: the person or column is not shown)."""
    matrix = qualification_matrix(unit=unit, per_page=1000)
    columns = [c.pk for c in matrix.columns]
    for row in matrix.rows:
        if row.user.pk == person.pk and course.pk in columns:
            return row.cells[columns.index(course.pk)]
    return None


def _stored_equals_live():
    live = qualification_cells_live(User.objects.values_list("pk", flat=True))
    stored = {
        (row.user_id, row.course_id): (row.status, row.percent, row.valid_until, row.due_date)
        for row in QualificationStatus.objects.all()
    }
    return stored == {
        key: (item.cell.status, item.cell.percent, item.cell.valid_until, item.cell.due_date)
        for key, item in live.items()
    }


def test_learner_journey_moves_the_cell(gemeinde_a, employee_a, course):
    """Enrol → not started (0 %); a lesson → in progress with %; lessons + quiz → held."""
    assert _cell(gemeinde_a, employee_a, course).status == "not_started"
    enrolment = svc.enrolment_create(user=employee_a, course=course)
    cell = _cell(gemeinde_a, employee_a, course)
    assert (cell.status, cell.percent) == ("not_started", 0)
    lessons = lessons_of(course)
    svc.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    cell = _cell(gemeinde_a, employee_a, course)
    assert cell.status == "in_progress"
    assert cell.percent == round(100 / len(lessons))
    for lesson in lessons[1:]:
        svc.lesson_complete(enrolment=enrolment, lesson=lesson)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(course))
    svc.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(attempt.quiz.specific, correct=True)
    )
    assert _cell(gemeinde_a, employee_a, course).status == "held"
    assert _stored_equals_live()


def test_withdrawing_a_self_enrolment_is_not_required(gemeinde_a, amt_a, employee_a, course):
    """A person without a job profile who leaves a course shows "not required" again."""
    person = make_member(amt_a, full_name="Ohne Profil")
    enrolment = svc.enrolment_create(user=person, course=course)
    assert _cell(gemeinde_a, person, course).status == "not_started"
    svc.enrolment_withdraw(enrolment=enrolment)
    assert _cell(gemeinde_a, person, course).status == "not_required"
    assert _stored_equals_live()


def test_assignment_and_newcomer_get_due_date(gemeinde_a, amt_a, hr_a, course):
    """An assignment shows its due date at once; someone joining later gets it too."""
    person = make_member(amt_a, full_name="Erste Person")
    due = timezone.localdate() + timedelta(days=30)
    assignment_create(created_by=hr_a, organisation=amt_a, course=course, due_date=due)
    cell = _cell(gemeinde_a, person, course)
    assert (cell.status, cell.due_date) == ("not_started", due)
    newcomer = make_member(amt_a, full_name="Neu Dabei")
    cell = _cell(gemeinde_a, newcomer, course)
    assert (cell.status, cell.due_date) == ("not_started", due)
    assert _stored_equals_live()


def test_job_profile_required_courses_change(gemeinde_a, employee_a, cdo_profile, catalogue, topic):
    """Adding a required course to a profile adds the column; removing it takes it away."""
    second = build_course(catalogue, topic, modules=1, lessons_per_module=1)
    cdo_profile.required_courses.add(second)
    assert _cell(gemeinde_a, employee_a, second).status == "not_started"
    cdo_profile.required_courses.remove(second)
    assert _cell(gemeinde_a, employee_a, second) is None
    second.required_by_profiles.add(cdo_profile)  # from the course side
    assert _cell(gemeinde_a, employee_a, second).status == "not_started"
    assert _stored_equals_live()


def test_membership_changes(gemeinde_a, amt_a, employee_a, cdo_profile, course):
    """Dropping the job profile makes the course not required; leaving removes the row."""
    other = make_member(amt_a, full_name="Hält die Spalte")
    services.membership_set(user=other, organisation=amt_a, job_profiles=[cdo_profile])
    services.membership_set(user=employee_a, organisation=amt_a, job_profiles=[])
    assert _cell(gemeinde_a, employee_a, course).status == "not_required"
    assert not QualificationStatus.objects.filter(user=employee_a).exists()
    services.membership_set(
        user=employee_a, organisation=amt_a, job_profiles=[JobProfile.objects.get()]
    )
    assert _cell(gemeinde_a, employee_a, course).status == "not_started"
    services.membership_remove(user=employee_a, organisation=amt_a)
    assert _cell(gemeinde_a, employee_a, course) is None
    assert not QualificationStatus.objects.filter(user=employee_a).exists()


def test_external_qualification_approval_and_revocation(gemeinde_a, hr_a, employee_a, course):
    """Approving proof shows "held" until its date; revoking the approval takes it back."""
    until = timezone.localdate() + timedelta(days=400)
    item = ExternalQualification.objects.create(
        user=employee_a,
        course=course,
        title="Extern",
        provider="Anbieter",
        completed_on=timezone.localdate(),
        valid_until=until,
        file="nachweise/x.pdf",
    )
    external_qualification_review(qualification=item, reviewed_by=hr_a, approve=True)
    cell = _cell(gemeinde_a, employee_a, course)
    assert (cell.status, cell.valid_until) == ("held", until)
    external_qualification_review(qualification=item, reviewed_by=hr_a, approve=False)
    assert _cell(gemeinde_a, employee_a, course).status == "not_started"


def test_erased_person_leaves_the_matrix(gemeinde_a, employee_a, course):
    """After erasure the person has no row and no required stored cell."""
    operator = UserFactory(is_superuser=True)
    person_erase(user=employee_a, by=operator)
    assert _cell(gemeinde_a, employee_a, course) is None
    assert not QualificationStatus.objects.filter(user=employee_a, required=True).exists()


def test_course_validity_published_refreshes_after_commit(
    gemeinde_a, employee_a, course, django_capture_on_commit_callbacks
):
    """A new validity counts for completions from then on: a holder keeps the date fixed at
    their completion (the one their certificate prints), as the matrix shows after the
    publish's refresh."""
    enrolment = svc.enrolment_create(user=employee_a, course=course)
    for lesson in lessons_of(course):
        svc.lesson_complete(enrolment=enrolment, lesson=lesson)
    attempt = svc.quiz_attempt_start(enrolment=enrolment, quiz=quiz_of(course))
    svc.quiz_attempt_submit(
        attempt=attempt, answers=answers_for(attempt.quiz.specific, correct=True)
    )
    assert _cell(gemeinde_a, employee_a, course).valid_until is None
    course.certificate_validity_months = 1
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    assert _cell(gemeinde_a, employee_a, course).valid_until is None
    assert _cell(gemeinde_a, employee_a, course).status == "held"
    assert _stored_equals_live()


@pytest.mark.parametrize("wipe", ["truncate", "corrupt"])
def test_rebuild_command_restores_the_table(gemeinde_a, employee_a, course, wipe):
    """``refresh_qualification_status`` rebuilds lost or wrong rows; a second run writes none."""
    svc.enrolment_create(user=employee_a, course=course)
    if wipe == "truncate":
        QualificationStatus.objects.all().delete()
    else:
        QualificationStatus.objects.update(status="held", percent=99)
    call_command("refresh_qualification_status", stdout=io.StringIO())
    assert _stored_equals_live()
    assert _cell(gemeinde_a, employee_a, course).status == "not_started"


def test_deleting_a_unit_refreshes_its_members_after_commit(
    gemeinde_a, amt_a, employee_a, course, django_capture_on_commit_callbacks
):
    """A unit deleted in the admin takes its memberships with it: its members' courses are no
    longer required of them once the deletion is committed (they stay members elsewhere)."""
    from tests.factories import make_organisation

    other = make_organisation("Ordnungsamt Bonn", parent=gemeinde_a)
    services.membership_set(user=employee_a, organisation=other)
    assert QualificationStatus.objects.get(user=employee_a, course=course).required
    with django_capture_on_commit_callbacks(execute=True):
        amt_a.delete()
    assert not QualificationStatus.objects.filter(user=employee_a, required=True).exists()
    assert _stored_equals_live()


def test_the_after_test_check_sees_a_write_that_skips_the_refresh(learner_a, course):
    """The suite's after-each-test check compares every stored status with the live rules. A
    write path that changes a cell without the refresh — as recertification once created its
    new enrolment itself — is seen as drift; the refresh removes it."""
    from lms.models import Enrolment
    from lms.services.qualification_status import (
        qualification_status_refresh,
        qualification_statuses_expected,
        qualification_statuses_stored,
    )

    svc.enrolment_create(user=learner_a, course=course)
    assert qualification_statuses_stored() == qualification_statuses_expected()
    Enrolment.objects.filter(user=learner_a, course=course).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )  # past the services, as the old recertification wrote
    stored, expected = qualification_statuses_stored(), qualification_statuses_expected()
    assert stored[(learner_a.pk, course.pk)][0] == "not_started"
    assert expected[(learner_a.pk, course.pk)][0] == "held"
    qualification_status_refresh(user_ids=[learner_a.pk])
    assert qualification_statuses_stored() == qualification_statuses_expected()


def test_an_erased_person_gets_no_cells_back_from_a_rebuild(learner_a, course):
    """Erasure deletes the person's stored statuses; their anonymised enrolments stay for the
    statistics. A later full rebuild (after a deploy) must not bring cells back for them."""
    svc.enrolment_create(user=learner_a, course=course)
    operator = User.objects.create_superuser(email="betrieb@example.org", full_name="Betrieb")
    person_erase(user=learner_a, by=operator)
    call_command("refresh_qualification_status", stdout=io.StringIO())
    assert not QualificationStatus.objects.filter(user=learner_a).exists()
    assert qualification_cells_live([learner_a.pk]) == {}
