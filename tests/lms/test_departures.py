"""People leave: HR ends an employment, the person leaves the matrix and its counts, can no
longer sign in, keeps their certificates; HR sees former staff; after the organisation's
retention period they are erased; a returning person finds their history again."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue
from lms import services
from lms.models import Departure, Enrolment, Membership, User
from lms.services.departures import employment_end
from lms.services.retention import retention_enforce
from tests.factories import make_member, refresh_statuses

pytestmark = pytest.mark.django_db

PASSWORD = "Ein-sicheres-Passwort-42"
# session, user, scope (organisations visible), count for the pager, the page of departures
FORMER_STAFF_QUERIES = 5


@pytest.fixture
def leaver(amt_a, cdo_profile, course):
    """Ein Mitarbeiter of Gemeinde A with the CDO profile, a completed course with its
    certificate, and an assigned course still open."""
    person = make_member(amt_a, full_name="Lars Leaving", email="lars@bonn.de", password=PASSWORD)
    services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
    done = Enrolment.objects.create(
        user=person, course=course, status="completed", completed_at=timezone.now()
    )
    refresh_statuses(person)
    certificate_issue(enrolment=done)
    return person


def test_hr_ends_an_employment_and_the_person_leaves_the_matrix(client, hr_a, amt_a, leaver):
    client.force_login(hr_a)
    assert "Lars Leaving" in client.get(reverse("hr_matrix", args=[amt_a.pk])).content.decode()
    page = client.get(reverse("hr_employment_end", args=[leaver.pk])).content.decode()
    assert "Zertifikate bleiben gültig" in page or "Zertifikate" in page

    response = client.post(
        reverse("hr_employment_end", args=[leaver.pk]), {"left_on": "2026-11-30"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("hr_former_staff", args=[amt_a.pk])
    former = client.get(response["Location"]).content.decode()
    assert "Lars Leaving" in former and "30.11.2026" in former and "30.11.2029" in former
    assert "Lars Leaving" not in client.get(reverse("hr_matrix", args=[amt_a.pk])).content.decode()
    leaver.refresh_from_db()
    assert not leaver.is_active and not Membership.objects.filter(user=leaver).exists()
    certificate = Certificate.objects.get(user=leaver)
    assert certificate.revoked_at is None  # it belongs to the person
    assert Departure.objects.get(user=leaver).ended_by == hr_a


def test_a_leaver_can_no_longer_sign_in(client, amt_a, leaver, hr_a):
    employment_end(user=leaver, unit=amt_a, by=hr_a)

    response = client.post(reverse("login"), {"username": leaver.email, "password": PASSWORD})

    assert response.status_code == 200  # the form again, nobody signed in
    assert "_auth_user_id" not in client.session


def test_open_assigned_courses_end_completed_ones_stay(amt_a, leaver, hr_a, catalogue_course):
    open_assigned = Enrolment.objects.create(
        user=leaver, course=catalogue_course, source=Enrolment.Source.ASSIGNED
    )

    employment_end(user=leaver, unit=amt_a, by=hr_a)

    open_assigned.refresh_from_db()
    assert open_assigned.status == Enrolment.Status.WITHDRAWN
    assert Enrolment.objects.filter(user=leaver, status="completed").count() == 1


@pytest.fixture
def catalogue_course(course):
    """A second course next to the test course."""
    from courses.models import CoursePage

    second = CoursePage(
        title="Datenmanagement",
        slug="datenmanagement",
        teaser="T",
        topic=course.topic,
        level="einsteiger",
        duration_minutes=30,
    )
    course.get_parent().add_child(instance=second)
    return second


def test_hr_cannot_end_their_own_employment(client, hr_a):
    client.force_login(hr_a)
    response = client.post(reverse("hr_employment_end", args=[hr_a.pk]), {"left_on": "2026-11-30"})
    assert response.status_code == 404
    assert Membership.objects.filter(user=hr_a).exists()


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def test_former_staff_are_erased_after_their_organisations_retention(amt_a, gemeinde_a, leaver):
    employment_end(user=leaver, unit=amt_a, left_on=date(2026, 11, 30))

    assert (
        retention_enforce(now=_at(date(2027, 12, 31)))["former_staff"] == 0
    )  # not the 1-year rule
    assert User.objects.get(pk=leaver.pk).full_name == "Lars Leaving"
    assert retention_enforce(now=_at(date(2029, 11, 30)))["former_staff"] == 1
    erased = User.objects.get(pk=leaver.pk)
    assert erased.full_name == "Gelöschte Person" and not Departure.objects.exists()
    assert retention_enforce(now=_at(date(2029, 12, 1)))["former_staff"] == 0


def test_an_organisation_can_keep_former_staff_longer(amt_a, gemeinde_a, leaver):
    amt_a.leaver_retention_years = 10
    amt_a.save()
    employment_end(user=leaver, unit=amt_a, left_on=date(2026, 11, 30))

    assert retention_enforce(now=_at(date(2030, 1, 1)))["former_staff"] == 0
    assert retention_enforce(now=_at(date(2036, 11, 30)))["former_staff"] == 1


def test_a_returning_person_finds_their_history(client, amt_a, leaver, hr_a):
    employment_end(user=leaver, unit=amt_a, by=hr_a)

    services.membership_set(user=leaver, organisation=amt_a)  # import, sync or SSO again

    leaver.refresh_from_db()
    assert leaver.is_active
    assert Departure.objects.get(user=leaver).returned_at is not None
    assert Enrolment.objects.filter(user=leaver, status="completed").count() == 1
    client.force_login(hr_a)
    assert "Lars Leaving" in client.get(reverse("hr_matrix", args=[amt_a.pk])).content.decode()
    former = client.get(reverse("hr_former_staff", args=[amt_a.pk])).content.decode()
    assert "Lars Leaving" not in former


def test_former_staff_list_query_count_does_not_grow(
    client, hr_a, amt_a, cdo_profile, django_assert_num_queries
):
    def leave(n):
        for i in range(n):
            person = make_member(amt_a, full_name=f"Person {i}", email=f"p{i}-{n}@bonn.de")
            employment_end(user=person, unit=amt_a, left_on=timezone.localdate() - timedelta(i))

    client.force_login(hr_a)
    url = reverse("hr_former_staff", args=[amt_a.pk])
    leave(2)
    client.get(url)
    with django_assert_num_queries(FORMER_STAFF_QUERIES):
        client.get(url)
    leave(10)
    with django_assert_num_queries(FORMER_STAFF_QUERIES):
        client.get(url)
