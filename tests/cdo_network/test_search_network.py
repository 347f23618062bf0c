"""The site search over the CDO network respects who may see what (issue 19): open circles'
discussions for network members, closed circles' for their active members, directory entries
for members and only by fields shown to all members, funding programmes and standards for
members, events for everyone."""

import re

from django.urls import reverse

from cdo_network import services
from cdo_network.models import CircleMembership, FundingProgramme, Standard, Visibility
from tests.factories import UserFactory, make_member


def _titles(client, query, **params):
    response = client.get(reverse("site_search"), {"q": query, **params})
    assert response.status_code == 200
    return re.findall(r'<h2><a href="[^"]*">([^<]+)</a></h2>', response.content.decode())


def _thread(circle, author, title, body):
    services.circle_membership_set(circle=circle, user=author)
    return services.thread_create(circle=circle, author=author, title=title, body=body)


def test_open_circle_threads_are_for_network_members(client, open_circle, member_a, member_b):
    _thread(open_circle, member_b, "Datenportal Köln", "Wir nutzen CKAN für das Portal.")
    assert _titles(client, "CKAN") == []  # visitor
    client.force_login(UserFactory())  # signed in, but no member body
    assert _titles(client, "CKAN") == []
    client.force_login(member_a)
    assert _titles(client, "CKAN") == ["Datenportal Köln"]


def test_closed_circle_threads_only_for_its_active_members(
    client, closed_circle, member_a, member_b, gemeinde_a
):
    services.circle_membership_set(
        circle=closed_circle, user=member_b, role=CircleMembership.Role.MODERATOR
    )
    thread = services.thread_create(
        circle=closed_circle, author=member_b, title="Vorfall Juni", body="Phishingwelle im Rathaus"
    )
    client.force_login(member_a)
    assert _titles(client, "Phishingwelle") == []
    assert _titles(client, "Vorfall") == []
    services.circle_membership_set(
        circle=closed_circle, user=member_a, status=CircleMembership.Status.PENDING
    )
    assert _titles(client, "Phishingwelle") == []
    services.circle_membership_set(circle=closed_circle, user=member_a)
    assert _titles(client, "Phishingwelle") == ["Vorfall Juni"]

    # A hidden post's text is no longer found.
    services.post_hide(post=thread.posts.get(), moderator=member_b)
    assert _titles(client, "Phishingwelle") == []


def test_directory_entries_by_fields_shown_to_all_members(client, member_a, member_b, gemeinde_a):
    colleague = make_member(gemeinde_a, full_name="Clara Kranich")
    services.profile_save(
        user=member_a,
        organisation=gemeinde_a,
        role_title="Chief Digital Officer",
        bio="Ich baue die Zwillingsplattform auf.",
        bio_visibility=Visibility.ORGANISATION,
    )
    assert _titles(client, "Amsel") == []  # visitors never search the directory
    client.force_login(member_b)
    assert _titles(client, "Amsel") == ["Anna Amsel"]
    assert _titles(client, "Chief Digital Officer", art="person") == ["Anna Amsel"]
    assert _titles(client, "Bundesstadt Bonn", art="person") == ["Anna Amsel"]  # organisation
    assert _titles(client, "Zwillingsplattform") == []  # shown to colleagues only: not indexed
    client.force_login(colleague)
    assert _titles(client, "Zwillingsplattform") == []

    # Renamed, unlisted, removed: the index follows.
    member_a.full_name = "Anna Adler"
    member_a.save()
    client.force_login(member_b)
    assert _titles(client, "Adler") == ["Anna Adler"]
    services.profile_save(user=member_a, organisation=gemeinde_a, listed=False)
    assert _titles(client, "Adler") == []
    services.profile_save(user=member_a, organisation=gemeinde_a, listed=True)
    services.profile_delete(user=member_a)
    assert _titles(client, "Adler") == []


def test_funding_and_standards_for_members_events_for_everyone(client, member_a, make_event, topic):
    FundingProgramme.objects.create(
        name="Smart Cities Modellprojekte",
        funder_level="bund",
        funder="BMWSB",
        target_group="Kommunen",
        funding_rate="bis zu 65 %",
        description="Förderung integrierter Stadtentwicklungsstrategien",
    )
    Standard.objects.create(
        name="XPlanung",
        slug="xplanung",
        purpose="Austausch von Bauleitplänen",
        maintainer="XLeitstelle",
    )
    make_event(title="Netzwerktreffen Stadtentwicklung", summary="Austausch zu Smart Cities")
    assert _titles(client, "Stadtentwicklung") == ["Netzwerktreffen Stadtentwicklung"]
    assert _titles(client, "Bauleitplaene") == []
    client.force_login(member_a)
    assert set(_titles(client, "Stadtentwicklung")) == {
        "Netzwerktreffen Stadtentwicklung",
        "Smart Cities Modellprojekte",
    }
    assert _titles(client, "Bauleitpläne") == ["XPlanung"]
    assert _titles(client, "Bauleitplaene") == ["XPlanung"]  # typed without umlaut


def test_erased_persons_posts_leave_the_search(client, open_circle, member_a, member_b):
    """DSGVO erasure: what the person wrote in a circle is no longer found."""
    from lms.services.privacy import person_erase

    _thread(open_circle, member_b, "Sensorik", "Unsere LoRaWAN-Gateways laufen stabil.")
    services.circle_membership_set(circle=open_circle, user=member_a)
    services.post_create(
        thread=open_circle.threads.get(), author=member_a, body="Bei uns funkt Zigbeeflaute."
    )
    client.force_login(member_b)
    assert _titles(client, "Zigbeeflaute") == ["Sensorik"]
    person_erase(user=member_a, by=None)
    assert _titles(client, "Zigbeeflaute") == []
    assert _titles(client, "LoRaWAN") == ["Sensorik"]
