"""Shared fixtures: two neighbouring municipalities with staff, and a clean cache per test."""

import os

import pytest
from django.core.cache import cache

from lms.models import Membership, Organisation
from tests.factories import make_member, make_organisation

pytest_plugins = ["tests.courses.fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail caches the Site; a stale entry gives 500s in later tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _unit_counts_stay_exact(request):
    """After every test that wrote to the database: every stored qualification status equals
    the live cell rules (``QualificationStatus`` is derived data: a write path that changes a
    cell without refreshing it — as recertification once did — fails here), and each unit's
    summed counts equal counting the stored cells of its people again (``UnitStatusCount`` is
    written as changes by every write path, so any path that forgets one fails here). Checked
    before the test's database is rolled back (this fixture depends on it)."""
    database = next(
        (name for name in ("db", "transactional_db") if name in request.fixturenames), None
    )
    if database is None or "live_server" in request.fixturenames:
        yield
        return
    request.getfixturevalue(database)
    yield
    from lms.services.qualification_status import (
        qualification_statuses_expected,
        qualification_statuses_stored,
    )
    from lms.services.unit_counts import unit_status_counts_expected, unit_status_counts_stored

    assert unit_status_counts_stored() == unit_status_counts_expected()
    as_of = request.node.get_closest_marker("statuses_as_of")
    stored = qualification_statuses_stored()
    expected = qualification_statuses_expected(today=as_of.args[0] if as_of else None)
    drift = {
        key: (stored.get(key), expected.get(key))
        for key in stored.keys() | expected.keys()
        if stored.get(key) != expected.get(key)
    }
    assert not drift, f"stored qualification status ≠ live rules: {drift}"


def ensure_wagtail_site():
    """Recreate what Wagtail's migrations insert (locale, root page, default site) when an
    earlier transactional test flushed it and serialized rollback could not bring it back."""
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    if Site.objects.filter(is_default_site=True).exists():
        return
    locale = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=locale)
    home = root.get_children().first() or root.add_child(
        instance=Page(title="Kommunal-Campus", slug="home", locale=locale)
    )
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


@pytest.fixture
def wagtail_site(transactional_db):
    """For transactional tests that need pages: the default site, even after a flush."""
    ensure_wagtail_site()


@pytest.fixture
def land(db):
    return make_organisation("Nordrhein-Westfalen", Organisation.Kind.LAND)


@pytest.fixture
def gemeinde_a(land):
    return make_organisation(
        "Bundesstadt Bonn", Organisation.Kind.KREISFREIE_STADT, land, "05314000"
    )


@pytest.fixture
def amt_a(gemeinde_a):
    return make_organisation("Bürgerdienste Bonn", Organisation.Kind.AMT, gemeinde_a)


@pytest.fixture
def gemeinde_b(land):
    return make_organisation("Stadt Köln", Organisation.Kind.KREISFREIE_STADT, land, "05315000")


@pytest.fixture
def amt_b(gemeinde_b):
    return make_organisation("Kundenzentren Köln", Organisation.Kind.AMT, gemeinde_b)


@pytest.fixture
def hr_a(gemeinde_a):
    return make_member(gemeinde_a, Membership.Role.HR, full_name="Łukasz Żółć")


@pytest.fixture
def hr_b(gemeinde_b):
    return make_member(gemeinde_b, Membership.Role.HR, full_name="Anneliese Schäfer")


@pytest.fixture
def learner_a(amt_a):
    return make_member(amt_a, Membership.Role.LEARNER, full_name="Şeyma Çelik")


def services_available(var: str) -> bool:
    return bool(os.environ.get(var))


requires_redis = pytest.mark.skipif(
    not services_available("CELERY_BROKER_URL"),
    reason="needs a Redis broker: set CELERY_BROKER_URL (CI does)",
)
requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)",
)


@pytest.fixture
def celery_worker_on_redis():
    """Switch eager mode off and run a real Celery worker (in a thread) against the broker."""
    from celery.contrib.testing.worker import start_worker

    from lms.celery import app

    app.conf.task_always_eager = False
    app.conf.result_backend = os.environ.get("CELERY_RESULT_BACKEND") or os.environ.get(
        "CELERY_BROKER_URL"
    )
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: Playwright keeps an event loop in the main thread, and everything
    else gets a clean process first (and fails faster)."""
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))
