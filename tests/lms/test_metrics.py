"""Prometheus metrics (issue 18): behind a bearer token; requests by view and status, latency
histograms, query counts, Celery tasks by state with their run time, queue length and pending
certificates."""

import re

import pytest
from celery import shared_task
from django.urls import reverse

from tests.conftest import requires_redis

TOKEN = "metriken-geheim-0123456789"


@shared_task(name="tests.metrics_ok")
def metrics_ok() -> int:
    return 1


@shared_task(name="tests.metrics_fails")
def metrics_fails() -> int:
    raise RuntimeError("kaputt")


def _scrape(client) -> str:
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in the metrics")


@pytest.mark.django_db
def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404  # off unless configured
    settings.METRICS_TOKEN = TOKEN
    assert client.get(reverse("metrics")).status_code == 401
    wrong = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer falsch")
    assert wrong.status_code == 401


@pytest.mark.django_db
def test_requests_latency_and_queries_are_counted(client, settings):
    settings.METRICS_TOKEN = TOKEN
    before = _scrape(client)
    counted = {"name": "django_http_responses_total_by_status_view_method_total", "view": "healthz"}
    start = _value(before, **counted, status="200") if 'view="healthz"' in before else 0
    for _ in range(3):
        client.get(reverse("healthz"))
    after = _scrape(client)
    assert _value(after, **counted, status="200") == start + 3
    assert (
        _value(
            after,
            "django_http_requests_latency_seconds_by_view_method_count",
            view="healthz",
            method="GET",
        )
        >= 3
    )
    assert re.search(r'django_db_execute_total\{alias="default",vendor="\w+"\} \d', after)


@pytest.mark.django_db
def test_celery_tasks_and_pending_certificates(client, settings, learner_a, course):
    from certificates import services as certificate_services
    from tests.certificates.conftest import make_completed_enrolment

    settings.METRICS_TOKEN = TOKEN
    metrics_ok.delay()
    metrics_ok.delay()
    metrics_fails.apply(throw=False)  # as a worker runs it: the failure is recorded, not raised
    certificate_services.certificate_issue(enrolment=make_completed_enrolment(learner_a, course, 1))
    text = _scrape(client)
    tasks = "campus_celery_tasks_total"
    assert _value(text, tasks, task="tests.metrics_ok", state="started") == 2
    assert _value(text, tasks, task="tests.metrics_ok", state="succeeded") == 2
    assert _value(text, tasks, task="tests.metrics_fails", state="failed") == 1
    assert _value(text, tasks, task="tests.metrics_fails", state="succeeded") == 0
    assert _value(text, "campus_celery_task_seconds_total", task="tests.metrics_ok") >= 0
    assert _value(text, "campus_certificates_pending") == 1  # issued, PDF not rendered yet


@requires_redis
@pytest.mark.django_db
def test_queue_length_from_the_broker(client, settings):
    import redis

    settings.METRICS_TOKEN = TOKEN
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush("celery", b"{}", b"{}")
    try:
        waiting = broker.llen("celery")
        assert _value(_scrape(client), "campus_celery_queue_length", queue="celery") == waiting
    finally:
        broker.delete("celery")
