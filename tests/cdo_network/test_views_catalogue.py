"""Funding programmes ("open now", Land) with deadline reminders, and the standards catalogue."""

import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cdo_network import services
from cdo_network.models import FundingProgramme, Standard


def _programme(name, **fields):
    values = {
        "funder_level": "bund",
        "funder": "Bund",
        "target_group": "Kommunen",
        "funding_rate": "siehe Förderaufruf",
        "url": "https://example.org/",
    }
    values.update(fields)
    return FundingProgramme.objects.create(name=name, **values)


def test_open_now_and_land_filters(client, db):
    """ "Open now" drops closed and expired programmes; a Land keeps federal and EU ones."""
    today = timezone.localdate()
    _programme("Offen Bund", deadline=today + dt.timedelta(days=10))
    _programme("Abgelaufen", deadline=today - dt.timedelta(days=1))
    _programme("Geschlossen", accepting_applications=False)
    _programme("Land NRW", funder_level="land", land="NW")
    _programme("Land Bayern", funder_level="land", land="BY")
    _programme("EU", funder_level="eu")
    url = reverse("cdo_network:funding_list")
    names = {p.name for p in client.get(url, {"open": "1"}).context["programmes"]}
    assert names == {"Offen Bund", "Land NRW", "Land Bayern", "EU"}
    names = {p.name for p in client.get(url, {"land": "NW"}).context["programmes"]}
    assert "Land Bayern" not in names and {"Land NRW", "EU", "Offen Bund"} <= names


def test_deadline_reminder_once(client, member_a):
    """Subscribers get one reminder 14 and one 3 days before the deadline."""
    today = timezone.localdate()
    programme = _programme("Frist bald", deadline=today + dt.timedelta(days=14))
    client.force_login(member_a)
    client.post(reverse("cdo_network:funding_subscribe", args=[programme.pk]), {"subscribe": "1"})
    assert services.funding_deadline_reminders_send(today=today) == 1
    assert services.funding_deadline_reminders_send(today=today) == 0
    later = today + dt.timedelta(days=11)
    assert services.funding_deadline_reminders_send(today=later) == 1
    assert len(mail.outbox) == 2


def test_standards_catalogue(client, db):
    """Each standard shows purpose, maintainer and links the live courses of its topic."""
    from courses.demo import catalogue_page
    from courses.models import CoursePage
    from courses.models import Topic as CourseTopic

    topic = CourseTopic.objects.create(name="Datenmanagement", slug="datenmanagement")
    course = CoursePage(
        title="Offene Daten",
        slug="offene-daten",
        teaser="Kurz.",
        topic=topic,
        level="einsteiger",
        duration_minutes=30,
    )
    catalogue_page().add_child(instance=course)
    course.save_revision().publish()
    Standard.objects.create(
        name="OParl",
        slug="oparl",
        purpose="Schnittstelle für Ratsinformationssysteme",
        maintainer="OParl-Initiative",
        course_topic=topic,
    )
    html = client.get(reverse("cdo_network:standards_list")).content.decode()
    assert "OParl-Initiative" in html
    assert f'href="{course.url}"' in html and course.title in html
