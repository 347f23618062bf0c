"""The qualification matrix reads stored statuses: they must equal the live computation of the
cell rules (``qualification_cells_live``), and every status filter and the counts above the
matrix must agree with the cells the page shows."""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from lms import services
from lms.models import Enrolment, ExternalQualification, JobProfile, QualificationStatus, User
from lms.selectors.hr.cells import STATUS_LABELS
from lms.selectors.hr.live import qualification_cells_live
from lms.selectors.hr.matrix import qualification_matrix
from lms.services import learning as learning_services
from lms.services.qualification_status import qualification_status_refresh
from tests.factories import make_member
from tests.lms.learning_helpers import lessons_of
from tests.lms.test_views_query_counts import build_course

TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.statuses_as_of(TODAY)


def _local(day: date, hour: int = 0, minute: int = 30):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def city(gemeinde_a, amt_a, course, catalogue, topic):
    """People of Gemeinde A in every cell status of two courses (one valid for 12 months)."""
    course.certificate_validity_months = 12
    course.save()
    second = build_course(catalogue, topic, modules=1, lessons_per_module=2)
    cdo = JobProfile.objects.create(name="CDO")
    cdo.required_courses.add(course, second)
    clerk = JobProfile.objects.create(name="Sachbearbeitung")
    clerk.required_courses.add(course)

    def person(name, profiles=(cdo,)):
        member = make_member(amt_a, full_name=name)
        services.membership_set(user=member, organisation=amt_a, job_profiles=list(profiles))
        return member

    def completed(member, on: date, hour: int = 0):
        Enrolment.objects.create(
            user=member, course=course, status="completed", completed_at=_local(on, hour)
        )

    # Completion days around the 12-month validity boundaries (valid until = day + 12 months).
    completed(person("Anna Gültig"), TODAY - timedelta(days=30))
    completed(person("Bert Grenze heute"), date(2025, 11, 26))  # until today: expiring
    completed(person("Carl Gestern"), date(2025, 11, 25), hour=23)  # until yesterday: expired
    completed(person("Dora Neunzig", [clerk]), date(2026, 2, 24))  # until today + 90: expiring
    completed(person("Emil Einundneunzig", [clerk]), date(2026, 2, 25))  # + 91 days: held
    overdue = person("Fritz Überfällig")
    Enrolment.objects.create(user=overdue, course=second, due_date=TODAY - timedelta(days=1))
    progressing = person("Gina Begonnen")
    enrolment = learning_services.enrolment_create(user=progressing, course=second)
    learning_services.lesson_complete(enrolment=enrolment, lesson=lessons_of(second)[0])
    withdrawn = person("Hans Abgemeldet")
    Enrolment.objects.create(user=withdrawn, course=course, status="withdrawn")
    person("Ida Nichtbegonnen")
    outsider = make_member(amt_a, full_name="Jan Ohne Profil")
    Enrolment.objects.create(user=outsider, course=second, status="withdrawn")
    for member, until in (
        (person("Kai Extern"), None),
        (progressing, TODAY + timedelta(days=30)),
        (outsider, TODAY - timedelta(days=5)),
    ):
        ExternalQualification.objects.create(
            user=member,
            course=course,
            title="Extern",
            provider="Anbieter",
            completed_on=TODAY - timedelta(days=400),
            valid_until=until,
            file="nachweise/x.pdf",
            status=ExternalQualification.Status.APPROVED,
        )
    # A later cycle decides: Lea's first cycle was completed, the second is assigned and open.
    lea = person("Lea Zweiter Durchgang", [clerk])
    completed(lea, TODAY - timedelta(days=500))
    Enrolment.objects.create(user=lea, course=course, cycle=2, source="assigned")
    # Rows above were written without the services (to set dates): store their statuses as of
    # TODAY, as the nightly refresh would.
    qualification_status_refresh(user_ids=User.objects.values_list("pk", flat=True), today=TODAY)
    return {"cdo": cdo, "clerk": clerk}


def _full(unit, **filters):
    return qualification_matrix(unit=unit, per_page=1000, **filters)


def _stored() -> dict:
    return {
        (row.user_id, row.course_id): (
            row.status,
            row.required,
            row.valid_until,
            row.due_date,
            row.percent,
            row.enrolment_id,
        )
        for row in QualificationStatus.objects.all()
    }


def _live(today) -> dict:
    live = qualification_cells_live(User.objects.values_list("pk", flat=True), today=today)
    return {
        key: (
            item.cell.status,
            item.required,
            item.cell.valid_until,
            item.cell.due_date,
            item.cell.percent,
            item.enrolment_id,
        )
        for key, item in live.items()
    }


def test_stored_statuses_equal_live_computation(city):
    """Every stored row equals the live cell rules, and no relevant (person, course) is missing."""
    stored = _stored()
    assert stored == _live(TODAY)
    assert {status for status, *_rest in stored.values()} == set(STATUS_LABELS)


@pytest.mark.statuses_as_of(TODAY + timedelta(days=7))
def test_nightly_refresh_moves_dates_and_is_idempotent(city):
    """A week later the nightly refresh stores what the rules say then; a second run is a no-op."""
    from lms.services.qualification_status import qualification_status_refresh_due

    later = TODAY + timedelta(days=7)
    assert qualification_status_refresh_due(today=later) > 0
    assert _stored() == _live(later)
    assert qualification_status_refresh_due(today=later) == 0


def test_status_filters_and_counts_agree_with_cells(gemeinde_a, city):
    """Each status filter keeps exactly the people with such a cell; counts match the cells."""
    everyone = _full(gemeinde_a)
    cells = Counter(cell.status for row in everyone.rows for cell in row.cells)
    assert set(cells) == set(STATUS_LABELS)  # the scenario covers every status
    assert everyone.status_counts == dict(cells)
    for status in STATUS_LABELS:
        expected = [row.user.pk for row in everyone.rows if status in [c.status for c in row.cells]]
        assert [row.user.pk for row in _full(gemeinde_a, status=status).rows] == expected, status


def test_job_profile_filter_and_sort(gemeinde_a, city):
    """The job profile filter narrows rows and columns; rows sort by family name; Z–A
    reverses the order."""
    clerks = _full(gemeinde_a, job_profile=city["clerk"])
    assert [row.user.full_name for row in clerks.rows] == [
        "Lea Zweiter Durchgang",
        "Emil Einundneunzig",
        "Dora Neunzig",
    ]
    assert len(clerks.columns) == 1
    assert clerks.status_counts == {"expiring": 1, "held": 1, "not_started": 1}
    names = [row.user.full_name for row in _full(gemeinde_a).rows]
    assert [row.user.full_name for row in _full(gemeinde_a, sort="-name").rows] == names[::-1]


def test_pages_split_the_rows_in_order(gemeinde_a, city):
    """Page 2 of 5 continues where page 1 stopped; a page past the end shows the last one."""
    names = [row.user.full_name for row in _full(gemeinde_a).rows]
    first = qualification_matrix(unit=gemeinde_a, per_page=5)
    second = qualification_matrix(unit=gemeinde_a, per_page=5, page_number=2)
    assert [r.user.full_name for r in first.rows + second.rows] == names[:10]
    assert first.page.paginator.count == len(names)
    last = qualification_matrix(unit=gemeinde_a, per_page=5, page_number=99)
    assert last.page.number == last.page.paginator.num_pages
    assert [r.user.full_name for r in last.rows] == names[(last.page.number - 1) * 5 :]
