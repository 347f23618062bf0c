"""/healthz: JSON status of database, cache and broker; 503 when one is down."""

from unittest import mock

import pytest
from django.urls import reverse

from tests.conftest import requires_redis


@pytest.mark.django_db
def test_healthz_ok(client, settings):
    """With everything up the endpoint answers 200 and names each check."""
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_healthz_database_down_is_503(client, settings):
    """A failing database turns the answer into 503 and says which part failed."""
    settings.CELERY_BROKER_URL = ""
    with mock.patch("lms.views.accounts._check_database", side_effect=ConnectionError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


@pytest.mark.django_db
def test_healthz_broker_unreachable_is_503(client, settings):
    """A configured broker that does not answer turns the answer into 503."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


@requires_redis
@pytest.mark.django_db
def test_healthz_real_broker_ok(client):
    """Against CI's real Redis the broker check passes."""
    response = client.get(reverse("healthz"))
    assert response.json()["checks"]["broker"] == "ok"
