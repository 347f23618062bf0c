"""Event pages, registration through the views, and calendar files."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.urls import reverse

from cdo_network import services
from tests.factories import make_member


def test_ical_parses_with_berlin_times(client, make_event):
    """The per-event .ics parses with icalendar and carries Europe/Berlin local times."""
    start = dt.datetime(2027, 3, 15, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    event = make_event(start=start, title="Datenstrategie-Workshop")
    response = client.get(reverse("cdo_network:event_ical", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    dtstart = vevent.decoded("dtstart")
    assert str(vevent["summary"]) == "Datenstrategie-Workshop"
    assert dtstart == start
    assert dtstart.tzinfo.key == "Europe/Berlin" if hasattr(dtstart.tzinfo, "key") else True
    assert vevent["dtstart"].params["TZID"] == "Europe/Berlin"
    assert (dtstart.hour, dtstart.minute) == (9, 30)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    # Summer time: a July event is at UTC+2.
    summer = make_event(start=dt.datetime(2027, 7, 1, 14, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    response = client.get(reverse("cdo_network:event_ical", args=[summer.pk]))
    [vevent] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert vevent.decoded("dtstart").utcoffset() == dt.timedelta(hours=2)


def test_feed_lists_events(client, make_event):
    """The subscribable feed holds every live event and parses."""
    make_event(title="Erstes Treffen")
    make_event(title="Zweites Treffen")
    response = client.get(reverse("cdo_network:events_feed"))
    calendar = icalendar.Calendar.from_ical(response.content)
    titles = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert titles == ["Erstes Treffen", "Zweites Treffen"]


def test_register_through_page_and_see_waiting_list(client, make_event, gemeinde_a):
    """A member registers on the event page; on a full event they see their queue position."""
    event = make_event(capacity=1)
    first = make_member(gemeinde_a, full_name="Erste Person")
    second = make_member(gemeinde_a, full_name="Zweite Person")
    services.registration_create(event=event, user=first)
    client.force_login(second)
    page = client.get(event.url).content.decode()
    assert "Warteliste" in page or "waiting list" in page
    response = client.post(reverse("cdo_network:event_register", args=[event.pk]))
    assert response.status_code == 302
    page = client.get(event.url).content.decode()
    assert "1" in page
    services.registration_cancel(event=event, user=first)
    page = client.get(event.url).content.decode()
    assert event.registrations.get(user=second).status == "confirmed"


def test_registration_needs_membership(client, make_event):
    """Anonymous visitors see the page but must log in to register."""
    event = make_event()
    assert client.get(event.url).status_code == 200
    response = client.post(reverse("cdo_network:event_register", args=[event.pk]))
    assert response.status_code == 302 and "anmelden" in response["Location"]


def test_event_index_lists_upcoming(client, make_event, event_index):
    """The index shows upcoming events with their availability."""
    make_event(title="Kommunaler Digitaltag")
    page = client.get(event_index.url).content.decode()
    assert "Kommunaler Digitaltag" in page


def test_online_link_only_for_confirmed_participants(client, make_event, gemeinde_a):
    """The public .ics and feed omit the online link; a confirmed participant's .ics has it."""
    event = make_event(capacity=1, location="", online_url="https://meet.example.org/geheim")
    url = reverse("cdo_network:event_ical", args=[event.pk])
    assert b"geheim" not in client.get(url).content
    assert b"geheim" not in client.get(reverse("cdo_network:events_feed")).content
    person = make_member(gemeinde_a, full_name="Mit Platz")
    services.registration_create(event=event, user=person)
    client.force_login(person)
    assert b"geheim" in client.get(url).content.replace(b"\r\n ", b"")
    waiting = make_member(gemeinde_a, full_name="Wartend")
    services.registration_create(event=event, user=waiting)
    client.force_login(waiting)
    assert b"geheim" not in client.get(url).content
    assert "geheim" not in client.get(event.url).content.decode()


def test_raising_capacity_on_publish_promotes(make_event, gemeinde_a):
    """Publishing an event with more seats moves people up from the waiting list."""
    event = make_event(capacity=1)
    people = [make_member(gemeinde_a, full_name=f"P{i}") for i in range(3)]
    for person in people:
        services.registration_create(event=event, user=person)
    event.capacity = 2
    event.save_revision().publish()
    statuses = [event.registrations.get(user=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_ical_reads_the_same_in_a_second_parser(client, make_event):
    """The feed says METHOD:PUBLISH and gives Europe/Berlin as yearly rules (no multi-value
    RDATE lines, which ical.js misread: 1 July 2027 14:00 became 13:00Z); the `ics` package,
    which builds the zone from the file's VTIMEZONE, reads the same instants as icalendar."""
    import ics

    summer = dt.datetime(2027, 7, 1, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    winter = dt.datetime(2027, 3, 15, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    make_event(start=summer, title="Sommertreffen")
    make_event(start=winter, title="Wintertreffen")
    body = client.get(reverse("cdo_network:events_feed")).content.decode()
    assert "METHOD:PUBLISH" in body
    [vtimezone] = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    assert "RDATE" not in vtimezone.to_ical().decode()
    assert vtimezone.to_ical().decode().count("RRULE:FREQ=YEARLY") == 2
    begins = {event.name: event.begin.to("UTC") for event in ics.Calendar(body).events}
    assert begins["Sommertreffen"].datetime == dt.datetime(2027, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert begins["Wintertreffen"].datetime == dt.datetime(2027, 3, 15, 8, 30, tzinfo=dt.UTC)
