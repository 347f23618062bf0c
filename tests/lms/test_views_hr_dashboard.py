"""The HR dashboard (key figures) of a unit: completion per unit and lapsing qualifications per
month, each as a chart and as a table, the overdue and expiring totals with the most urgent
items, in a fixed number of queries; nothing of the neighbouring municipality."""

from collections import Counter
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms import services
from lms.dates import add_months
from lms.models import Enrolment, User
from lms.selectors.hr.dashboard import hr_dashboard
from lms.services.hr import enrolment_assign
from lms.services.qualification_status import qualification_status_refresh
from tests.factories import make_member, make_organisation, refresh_statuses


def _completed(person, course, days_ago: int) -> None:
    on = timezone.localdate() - timedelta(days=days_ago)
    Enrolment.objects.create(
        user=person,
        course=course,
        status="completed",
        completed_at=timezone.make_aware(datetime.combine(on, time(12))),
    )
    refresh_statuses(person)


@pytest.fixture
def bonn(gemeinde_a, amt_a, cdo_profile, course, employee_b):
    """Bonn's Bürgerdienste: one qualification expiring in 45 days, one held that lapses in
    about 200 days, one overdue; a second unit with one held; Köln's employee overdue."""
    course.certificate_validity_months = 12
    course.save()
    second_unit = make_organisation("Ordnungsamt Bonn", parent=gemeinde_a)

    def person(name, unit=amt_a):
        member = make_member(unit, full_name=name)
        services.membership_set(user=member, organisation=unit, job_profiles=[cdo_profile])
        return member

    _completed(person("Anna Ablaufend"), course, days_ago=320)  # valid 45 more days
    _completed(person("Bernd Gültig"), course, days_ago=165)  # valid about 200 more days
    _completed(person("Dana Ordnung", second_unit), course, days_ago=10)
    late = person("Carla Überfällig")
    enrolment_assign(user=late, course=course, due_date=timezone.localdate() - timedelta(days=3))
    enrolment_assign(
        user=employee_b, course=course, due_date=timezone.localdate() - timedelta(days=9)
    )
    qualification_status_refresh(user_ids=User.objects.values_list("pk", flat=True))
    return {"second_unit": second_unit, "late": late}


def test_dashboard_figures_agree_with_the_cells(gemeinde_a, bonn, course):
    """Completion per unit, lapsing per month and the totals count exactly the stored cells."""
    figures = hr_dashboard(gemeinde_a)
    by_unit = {
        entry.name: (entry.required, entry.held, entry.percent) for entry in figures["units"]
    }
    assert by_unit == {"Bürgerdienste Bonn": (3, 2, 67), "Ordnungsamt Bonn": (1, 1, 100)}
    assert (figures["overdue_total"], figures["expiring_total"]) == (1, 1)
    assert [item.user.full_name for item in figures["overdue"]] == ["Carla Überfällig"]
    assert [item.user.full_name for item in figures["expiring"]] == ["Anna Ablaufend"]
    today = timezone.localdate()
    months = figures["expiry_months"]
    assert len(months) == 12 and months[0].month == today.replace(day=1)
    lapsing = {entry.month: entry.count for entry in months if entry.count}
    first_month, after_last = today.replace(day=1), add_months(today.replace(day=1), 12)
    expected = Counter(
        add_months(today - timedelta(days=days_ago), 12).replace(day=1)
        for days_ago in (320, 165, 10)  # Anna, Bernd, Dana
        if first_month <= add_months(today - timedelta(days=days_ago), 12) < after_last
    )
    assert lapsing == expected and sum(expected.values()) >= 2


def test_dashboard_lists_the_most_urgent_and_links_to_all(client, hr_a, gemeinde_a, bonn, course):
    """With more items than the list holds, the page says how many there are and links to
    the matrix filtered by that status; the longest overdue comes first."""
    earlier = make_member(bonn["late"].memberships.get().organisation, full_name="Egon Früher")
    enrolment_assign(
        user=earlier, course=course, due_date=timezone.localdate() - timedelta(days=30)
    )
    figures = hr_dashboard(gemeinde_a, list_limit=1)
    assert figures["overdue_total"] == 2
    assert [item.user.full_name for item in figures["overdue"]] == ["Egon Früher"]
    client.force_login(hr_a)
    html = client.get(reverse("hr_dashboard", args=[gemeinde_a.pk])).content.decode()
    assert html.count('class="bar-chart"') == 2 and html.count("<table") == 2
    assert "Carla Überfällig" in html and "Egon Früher" in html
    assert f"{reverse('hr_matrix', args=[gemeinde_a.pk])}?status=overdue" in html
    assert "Bernd Köln" not in html  # the neighbour's overdue employee


def test_dashboard_caps_long_lists(client, hr_a, gemeinde_a, bonn, course, monkeypatch):
    """A city with thousands of overdue items gets the most urgent ones and the total."""
    monkeypatch.setattr("lms.selectors.hr.dashboard.DASHBOARD_LIST_LIMIT", 1)
    earlier = make_member(bonn["late"].memberships.get().organisation, full_name="Egon Früher")
    enrolment_assign(
        user=earlier, course=course, due_date=timezone.localdate() - timedelta(days=30)
    )
    client.force_login(hr_a)
    html = client.get(reverse("hr_dashboard", args=[gemeinde_a.pk])).content.decode()
    assert "Die 1 am längsten überfälligen von 2." in html
    assert "Egon Früher" in html and "Carla Überfällig" not in html


def test_dashboard_counts_only_units_in_scope(gemeinde_a, amt_b, bonn, cdo_profile):
    """Someone who is also a member of Köln's unit is counted for Bonn's unit only."""
    both = User.objects.get(full_name="Bernd Gültig")
    services.membership_set(user=both, organisation=amt_b, job_profiles=[cdo_profile])
    names = {entry.name for entry in hr_dashboard(gemeinde_a)["units"]}
    assert names == {"Bürgerdienste Bonn", "Ordnungsamt Bonn"}


# Session, user, unit; the matrix aggregate; its columns; completion per unit; lapsing per
# month; the most urgent overdue items; the most urgent expiring items.
DASHBOARD_QUERIES = 9


@pytest.mark.parametrize("people", [2, 20])
def test_dashboard_query_count_constant(
    client, hr_a, gemeinde_a, amt_a, cdo_profile, course, django_assert_num_queries, people
):
    """The key figures cost the same number of queries for 2 or 20 people."""
    for number in range(people):
        person = make_member(amt_a, full_name=f"Person {number:02d}")
        services.membership_set(user=person, organisation=amt_a, job_profiles=[cdo_profile])
        enrolment_assign(
            user=person, course=course, due_date=timezone.localdate() - timedelta(days=number + 1)
        )
    client.force_login(hr_a)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("hr_dashboard", args=[gemeinde_a.pk]))
    assert f"{people}</a>" in response.content.decode()  # the overdue total
