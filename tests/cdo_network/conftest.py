"""Fixtures of the CDO network tests: facts for the two neighbouring cities, pages, circles."""

import datetime as dt

import pytest
from django.utils import timezone

from cdo_network import services
from cdo_network.demo import ensure_site_root
from cdo_network.models import (
    EventIndexPage,
    EventPage,
    ExpertCircle,
    ProjectIndexPage,
    Topic,
)
from lms.models import Membership
from tests.factories import make_member


@pytest.fixture(autouse=True)
def _forget_celery_backend():
    """Eager tasks cache Celery's (disabled) result backend per thread; drop it afterwards so a
    later real-worker test (``celery_worker_on_redis``) sees the backend it configures."""
    yield
    from lms.celery import app

    vars(app._local).pop("backend", None)


@pytest.fixture
def facts(gemeinde_a, gemeinde_b):
    services.municipality_facts_set(organisation=gemeinde_a, population=335_000, land="NW")
    services.municipality_facts_set(organisation=gemeinde_b, population=1_080_000, land="NW")


@pytest.fixture
def member_a(gemeinde_a, facts):
    return make_member(gemeinde_a, Membership.Role.LEARNER, full_name="Anna Amsel")


@pytest.fixture
def member_b(gemeinde_b, facts):
    return make_member(gemeinde_b, Membership.Role.LEARNER, full_name="Bernd Buche")


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Offene Daten", slug="offene-daten")


@pytest.fixture
def site_root(db):
    """The default site's root page (re-created after a transactional test flushed it)."""
    return ensure_site_root()


@pytest.fixture
def event_index(site_root):
    index = EventIndexPage(title="Veranstaltungen", slug="veranstaltungen")
    site_root.add_child(instance=index)
    return index


@pytest.fixture
def make_event(event_index):
    def make(capacity=2, title="CDO-Treffen", start=None, **fields):
        start = start or timezone.now() + dt.timedelta(days=7)
        fields.setdefault("location", "Stadthaus Bonn")
        event = EventPage(
            title=title,
            slug=f"{title.lower().replace(' ', '-')}-{EventPage.objects.count()}",
            start=start,
            end=start + dt.timedelta(hours=3),
            capacity=capacity,
            training_hours=3,
            **fields,
        )
        event_index.refresh_from_db()
        event_index.add_child(instance=event)
        return event

    return make


@pytest.fixture
def project_index(site_root):
    index = ProjectIndexPage(title="Projektdatenbank", slug="projektdatenbank")
    site_root.add_child(instance=index)
    return index


@pytest.fixture
def open_circle(db):
    return ExpertCircle.objects.create(
        name="Open Data", slug="open-data", description="Offene Daten in Kommunen"
    )


@pytest.fixture
def closed_circle(db):
    return ExpertCircle.objects.create(
        name="Informationssicherheit",
        slug="informationssicherheit",
        description="Vertraulicher Austausch",
        access=ExpertCircle.Access.REQUEST,
    )
