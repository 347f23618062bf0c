"""Query counts of the list pages are pinned at two data sizes, so growth shows up."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cdo_network import services
from cdo_network.models import (
    QUESTIONS,
    CircleMembership,
    ExpertCircle,
    FundingProgramme,
    ProjectPage,
    Standard,
    Topic,
)
from tests.factories import make_member

SIZES = [2, 8]


def _directory(n, gemeinde_a, topic, **_):
    for i in range(n):
        person = make_member(gemeinde_a, full_name=f"Person {i}")
        services.profile_save(
            user=person, organisation=gemeinde_a, topics=[topic], role_title="CDO"
        )
    return reverse("cdo_network:directory")


def _circles(n, member_a, **_):
    for i in range(n):
        circle = ExpertCircle.objects.create(name=f"Kreis {i}", slug=f"kreis-{i}", description="x")
        circle.topics.add(Topic.objects.create(name=f"Thema {i}", slug=f"thema-{i}"))
        services.circle_membership_set(circle=circle, user=member_a)
    return reverse("cdo_network:circle_list")


def _threads(n, member_a, open_circle, **_):
    services.circle_membership_set(
        circle=open_circle, user=member_a, role=CircleMembership.Role.MODERATOR
    )
    for i in range(n):
        services.thread_create(circle=open_circle, author=member_a, title=f"T{i}", body="x")
    return reverse("cdo_network:circle_detail", args=[open_circle.slug])


def _posts(n, member_a, open_circle, **_):
    services.circle_membership_set(
        circle=open_circle, user=member_a, role=CircleMembership.Role.MODERATOR
    )
    thread = services.thread_create(circle=open_circle, author=member_a, title="T", body="x")
    for i in range(n):
        services.post_create(thread=thread, author=member_a, body=f"Antwort {i}")
    return reverse("cdo_network:thread_detail", args=[open_circle.slug, thread.pk])


def _events(n, make_event, event_index, **_):
    for i in range(n):
        make_event(title=f"Treffen {i}", start=timezone.now() + dt.timedelta(days=i + 1))
    return event_index.url


def _projects(n, project_index, **_):
    for i in range(n):
        page = ProjectPage(
            title=f"Projekt {i}",
            slug=f"projekt-{i}",
            municipality="Musterstadt",
            land="NW",
            field="mobility",
            status="running",
            budget_range="lt50k",
            summary="x",
        )
        project_index.refresh_from_db()
        project_index.add_child(instance=page)
    return project_index.url


def _funding(n, topic, **_):
    for i in range(n):
        programme = FundingProgramme.objects.create(
            name=f"Programm {i}",
            funder_level="bund",
            funder="Bund",
            target_group="Kommunen",
            funding_rate="50 %",
            url="https://example.org/",
            deadline=timezone.localdate() + dt.timedelta(days=30),
        )
        programme.topics.add(topic)
    return reverse("cdo_network:funding_list")


def _standards(n, topic, **_):
    for i in range(n):
        standard = Standard.objects.create(
            name=f"Standard {i}", slug=f"standard-{i}", purpose="x", maintainer="y"
        )
        standard.topics.add(topic)
    return reverse("cdo_network:standards_list")


def _my_events(n, member_a, make_event, **_):
    for i in range(n):
        event = make_event(title=f"Termin {i}")
        services.registration_create(event=event, user=member_a)
    return reverse("cdo_network:my_events")


def _attendance(n, member_a, gemeinde_a, make_event, **_):
    event = make_event(capacity=n, organiser=member_a)
    for i in range(n):
        services.registration_create(event=event, user=make_member(gemeinde_a, full_name=f"T{i}"))
    return reverse("cdo_network:event_attendance", args=[event.pk])


def _stocktakings(n, member_a, gemeinde_a, **_):
    answers = {key: 3 for questions in QUESTIONS.values() for key, _text in questions}
    for _i in range(n):
        services.assessment_complete(organisation=gemeinde_a, user=member_a, answers=answers)
    return reverse("cdo_network:stocktaking_home")


# page -> (builder, pinned number of queries for a signed-in member)
PAGES = {
    "directory": (_directory, 9),
    "circle_list": (_circles, 5),
    "circle_detail": (_threads, 13),
    "thread_detail": (_posts, 12),
    "event_index": (_events, 9),
    "project_index": (_projects, 12),
    "funding_list": (_funding, 7),
    "standards_list": (_standards, 5),
    "my_events": (_my_events, 6),
    "attendance": (_attendance, 6),
    "stocktaking_home": (_stocktakings, 4),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES)
def test_list_page_query_count(
    page,
    size,
    client,
    django_assert_num_queries,
    member_a,
    gemeinde_a,
    topic,
    open_circle,
    make_event,
    event_index,
    project_index,
):
    """The number of queries does not grow with the number of rows."""
    builder, expected = PAGES[page]
    url = builder(
        size,
        member_a=member_a,
        gemeinde_a=gemeinde_a,
        topic=topic,
        open_circle=open_circle,
        make_event=make_event,
        event_index=event_index,
        project_index=project_index,
    )
    client.force_login(member_a)
    client.get(url)  # warm Wagtail's site cache, as in production
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
