"""Each unit's matrix lists its people from ``UnitMember`` and takes its columns and status
counts from ``UnitStatusCount``: changes of the tree, job profiles, names and people reach both,
the counts stay exact under compaction and concurrent refreshes. (After every test, the
autouse fixture in ``tests/conftest.py`` also checks that the summed counts equal counting the
cells again.)"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from lms import services
from lms.models import JobProfile, UnitStatusCount, User
from lms.selectors.hr.matrix import qualification_matrix
from lms.services.hr import enrolment_assign
from lms.services.qualification_status import qualification_status_refresh
from lms.services.unit_counts import (
    unit_status_counts_compact,
    unit_status_counts_expected,
    unit_status_counts_stored,
)
from tests.factories import make_member, make_organisation


def _names(unit, **filters):
    return [row.user.full_name for row in qualification_matrix(unit=unit, **filters).rows]


def test_person_in_two_sub_units_counts_once(gemeinde_a, amt_a, employee_a, course):
    """Members of two units below the city are one row and one set of cells in its matrix."""
    second = make_organisation("Ordnungsamt Bonn", parent=gemeinde_a)
    services.membership_set(user=employee_a, organisation=second)
    matrix = qualification_matrix(unit=gemeinde_a)
    assert _names(gemeinde_a).count(employee_a.full_name) == 1
    assert matrix.page.paginator.count == 1
    assert matrix.status_counts == {"not_started": 1}


def test_moved_unit_takes_its_people_along(
    gemeinde_a, gemeinde_b, amt_a, employee_a, course, django_capture_on_commit_callbacks
):
    """A unit moved to another municipality (admin): its people leave the old city's matrix
    and counts and appear in the new one's after the commit."""
    assert employee_a.full_name in _names(gemeinde_a)
    with django_capture_on_commit_callbacks(execute=True):
        amt_a.move(gemeinde_b, "sorted-child")
    assert employee_a.full_name not in _names(gemeinde_a)
    assert employee_a.full_name in _names(gemeinde_b)
    assert qualification_matrix(unit=gemeinde_a).status_counts.get("not_started") is None


def test_deleted_job_profile_is_no_longer_required(
    gemeinde_a, employee_a, cdo_profile, course, django_capture_on_commit_callbacks
):
    """Deleting the only profile requiring the course removes the column after the commit."""
    assert [c.pk for c in qualification_matrix(unit=gemeinde_a).columns] == [course.pk]
    with django_capture_on_commit_callbacks(execute=True):
        cdo_profile.delete()
    assert qualification_matrix(unit=gemeinde_a).columns == []


def test_deleted_person_leaves_the_counts(gemeinde_a, employee_a, course):
    """A person deleted for good is neither a row nor a count any more."""
    employee_a.delete()
    matrix = qualification_matrix(unit=gemeinde_a)
    assert matrix.page.paginator.count == 0 and matrix.columns == []
    assert matrix.status_counts == {}


def test_renamed_person_sorts_by_the_new_name(gemeinde_a, amt_a, cdo_profile):
    """The matrix sorts by the current name (copied into the unit rows on every change)."""
    for name in ("Bettina Bauer", "Carl Conrad"):
        person = make_member(amt_a, full_name=name)
        services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
    carl = User.objects.get(full_name="Carl Conrad")
    services.user_update_profile(user=carl, full_name="Carl Abel", preferred_language="de")
    assert _names(gemeinde_a)[:2] == ["Carl Abel", "Bettina Bauer"]  # by family name


def test_job_profile_filter_counts_holders_only(gemeinde_a, amt_a, employee_a, course):
    """With a job profile chosen, people and counts are those of its holders."""
    clerk = JobProfile.objects.create(name="Sachbearbeitung")
    other = make_member(amt_a, full_name="Olga Ohneprofil")
    services.membership_set(user=other, organisation=amt_a, job_profiles=[clerk])
    cdo = JobProfile.objects.get(name="Chief Digital Officer")
    matrix = qualification_matrix(unit=gemeinde_a, job_profile=cdo)
    assert [row.user.pk for row in matrix.rows] == [employee_a.pk]
    assert matrix.status_counts == {"not_started": 1}


def test_compaction_keeps_the_sums(gemeinde_a, amt_a, cdo_profile, course):
    """Folding the changes leaves one row per key and the same sums; a second run folds
    nothing."""
    people = []
    for number in range(5):
        person = make_member(amt_a, full_name=f"Person {number}")
        services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
        people.append(person)
    for person in people[:3]:
        enrolment_assign(
            user=person, course=course, due_date=timezone.localdate() - timedelta(days=1)
        )
    before = unit_status_counts_stored()
    rows_before = UnitStatusCount.objects.count()
    assert unit_status_counts_compact() > 0
    assert unit_status_counts_stored() == before == unit_status_counts_expected()
    assert UnitStatusCount.objects.count() < rows_before
    assert UnitStatusCount.objects.filter(change=0).count() == 0
    assert unit_status_counts_compact() == 0
    assert qualification_matrix(unit=gemeinde_a).status_counts["overdue"] == 3


@pytest.mark.skipif(
    "postgresql" not in connection.vendor, reason="row locks need PostgreSQL (CI runs it)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_person_count_once(
    wagtail_site, land, gemeinde_a, amt_a, course, monkeypatch
):
    """Two requests refreshing the same person at the same moment (e.g. two tabs completing
    lessons) both find the stored cell out of date: the person's row lock makes the second
    wait and then find it current, so the change is counted once, not twice."""
    import time

    from courses.models import CoursePage
    from lms.models import Enrolment
    from lms.services import qualification_status as module

    profile = JobProfile.objects.create(name="CDO")
    profile.required_courses.add(CoursePage.objects.get(pk=course.pk))
    person = make_member(amt_a, full_name="Zwei Tabs")
    services.membership_set(user=person, organisation=amt_a, job_profiles=[profile])
    enrolment_assign(user=person, course=course, due_date=timezone.localdate() - timedelta(1))
    Enrolment.objects.filter(user=person).update(due_date=None)  # stored: overdue; now open
    live = module.qualification_cells_live

    def slow_live(*args, **kwargs):  # widen the window between reading and writing
        time.sleep(0.5)
        return live(*args, **kwargs)

    monkeypatch.setattr(module, "qualification_cells_live", slow_live)
    barrier = threading.Barrier(2)
    errors = []

    def refresh():
        try:
            barrier.wait(timeout=10)
            qualification_status_refresh(user_ids=[person.pk])
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert unit_status_counts_stored() == unit_status_counts_expected()


def test_moved_unit_gets_the_new_citys_assignments(
    gemeinde_a, gemeinde_b, amt_a, employee_a, hr_b, course, django_capture_on_commit_callbacks
):
    """Köln assigned the course to everyone with a due date; Bonn's Amt moves to Köln: its
    employee is assigned it too, like someone who joined Köln, and shows as such in Köln's
    matrix."""
    from lms.models import Enrolment
    from lms.services.hr import assignment_create

    due = timezone.localdate() + timedelta(days=30)
    assignment_create(created_by=hr_b, organisation=gemeinde_b, course=course, due_date=due)
    assert not Enrolment.objects.filter(user=employee_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        amt_a.move(gemeinde_b, "sorted-child")
    enrolment = Enrolment.objects.get(user=employee_a, course=course)
    assert (enrolment.source, enrolment.due_date) == ("assigned", due)
    row = next(r for r in qualification_matrix(unit=gemeinde_b).rows if r.user.pk == employee_a.pk)
    assert row.cells[0].due_date == due


def test_inserting_a_unit_in_name_order_starts_no_background_work(
    gemeinde_a, amt_a, employee_a, monkeypatch, django_capture_on_commit_callbacks
):
    """treebeard renumbers the siblings after a unit inserted in name order: nothing above
    them changed, so no task re-applies assignments to their thousands of people."""
    from lms import tasks

    calls = []
    monkeypatch.setattr(tasks.unit_members_rejoin_task, "delay", lambda *a: calls.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        make_organisation("Amt für Aktenführung", parent=gemeinde_a)  # sorts before amt_a
    assert calls == []
    with django_capture_on_commit_callbacks(execute=True):
        amt_a.refresh_from_db()
        amt_a.move(make_organisation("Ordnungsamt Bonn", parent=gemeinde_a), "sorted-child")
    assert len(calls) == 1
