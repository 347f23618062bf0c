"""HR sees who qualified on content a recorded change of the law has since made outdated, only
in their own organisation, and assigns the change's short update course (issue 19)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    CourseOutcome,
    CoursePage,
    LegalAct,
    LegalActChange,
    LessonLegalSource,
    LessonPage,
)
from lms.models import Assignment, Enrolment, Membership
from lms.services.learning import enrolment_create
from tests.courses.fixtures import publish
from tests.factories import make_member, refresh_statuses

TODAY = timezone.localdate()


def _completed(person, course, days_ago):
    enrolment = enrolment_create(user=person, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    refresh_statuses(person)
    return enrolment


@pytest.fixture
def update_course(catalogue, topic):
    update = CoursePage(
        title="Update: EU-Schwellenwerte 2028",
        slug="update-schwellenwerte-2028",
        teaser="Was sich zum 1. Januar 2028 ändert.",
        topic=topic,
        level="einsteiger",
        duration_minutes=15,
    )
    update.outcomes = [CourseOutcome(text="Sie kennen die neuen Schwellenwerte.")]
    catalogue.add_child(instance=update)
    return publish(update)


@pytest.fixture
def change(course, update_course):
    """New EU thresholds recorded ten days ago; the course's lesson cites the GWB."""
    gwb = LegalAct.objects.create(abbreviation="GWB", title="GWB", kind="federal_law")
    lesson = LessonPage.objects.descendant_of(course).get()
    LessonLegalSource.objects.create(lesson=lesson, act=gwb, reference="§ 106")
    change = LegalActChange.objects.create(
        title="Neue EU-Schwellenwerte ab 1. Januar 2028",
        status=LegalActChange.Status.ADOPTED,
        recorded_on=TODAY - datetime.timedelta(days=10),
        update_course=update_course,
    )
    change.acts.add(gwb)
    return change


@pytest.fixture
def people(course, change, amt_a, amt_b):
    bonn_old = make_member(amt_a, full_name="Berta Bonn")
    bonn_new = make_member(amt_a, full_name="Nora Neu")
    koeln_old = make_member(amt_b, full_name="Karl Köln")
    _completed(bonn_old, course, days_ago=200)
    _completed(bonn_new, course, days_ago=3)  # after the change: learned the new content
    _completed(koeln_old, course, days_ago=200)
    return bonn_old, bonn_new, koeln_old


def test_hr_sees_own_holders_on_old_content_and_assigns_the_update(
    client, hr_a, gemeinde_a, gemeinde_b, people, change, update_course
):
    bonn_old, _bonn_new, _koeln_old = people
    client.force_login(hr_a)
    url = reverse("hr_legal_updates", args=[gemeinde_a.pk])
    html = client.get(url).content.decode()
    assert "Neue EU-Schwellenwerte ab 1. Januar 2028" in html
    assert "Berta Bonn" in html
    assert "Nora Neu" not in html  # qualified after the change
    assert "Karl Köln" not in html  # the neighbouring city's staff
    assert "1 Person hat sich vor der Änderung qualifiziert" in html

    assign = reverse("hr_legal_update_assign", args=[gemeinde_a.pk, change.pk])
    field = f"aenderung-{change.pk}-due_date"
    response = client.post(assign, {field: (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    error = "Das Fälligkeitsdatum darf nicht in der Vergangenheit liegen."
    assert error in response.content.decode()
    assert not Assignment.objects.filter(course=update_course).exists()

    due = TODAY + datetime.timedelta(days=30)
    response = client.post(assign, {field: due.isoformat()}, follow=True)
    assert "Das Update „Update: EU-Schwellenwerte 2028“ ist 1 Person zugewiesen." in (
        response.content.decode()
    )
    assignment = Assignment.objects.get(course=update_course)
    assert list(assignment.users.all()) == [bonn_old]
    assert assignment.due_date == due
    assert Enrolment.objects.filter(user=bonn_old, course=update_course).exists()
    html = client.get(url).content.decode()
    assert "zugewiesen" in html and "Alle Aufgeführten haben das Update" in html

    # The neighbouring city: its page and its assign action are 404 for Bonn's HR.
    assert client.get(reverse("hr_legal_updates", args=[gemeinde_b.pk])).status_code == 404
    other = reverse("hr_legal_update_assign", args=[gemeinde_b.pk, change.pk])
    assert client.post(other, {field: due.isoformat()}).status_code == 404


def test_learners_may_not_see_the_page(client, gemeinde_a, people):
    client.force_login(people[0])
    assert client.get(reverse("hr_legal_updates", args=[gemeinde_a.pk])).status_code == 404


def test_query_count_does_not_grow_with_people(
    client, hr_a, gemeinde_a, amt_a, course, people, django_assert_num_queries
):
    client.force_login(hr_a)
    url = reverse("hr_legal_updates", args=[gemeinde_a.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(5):
        _completed(make_member(amt_a, full_name=f"Person {number}"), course, days_ago=100)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "6 Personen haben sich vor der Änderung qualifiziert" in html
    assert Membership.objects.filter(organisation=amt_a).count() >= 6
