"""Prometheus metrics at ``/metrics``, for the operator's monitoring, behind a bearer token.

django-prometheus counts requests by view and status, latency histograms and database queries
(its middleware and database wrappers, see the settings). This module adds what only the
platform knows, collected when Prometheus scrapes:

- ``campus_celery_tasks_total{task, state}`` and ``campus_celery_task_seconds_total{task}``:
  started, succeeded and failed tasks and their run time, counted by *every* worker into the
  shared cache (Redis), so one scrape of any app server sees the whole cluster;
- ``campus_celery_queue_length{queue}``: messages waiting in the broker (Redis);
- ``campus_certificates_pending``: certificates whose PDF is not rendered yet.

Behind gunicorn with several workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, per
machine) so the request metrics of all worker processes are summed.
"""

from __future__ import annotations

import hmac
import os
import time

import prometheus_client
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

STATES = ("started", "succeeded", "failed")
_KEY = "metrics:celery:{task}:{field}"
_MILLIS = 1000


def _task_names() -> list[str]:
    from .celery import app

    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _count(task: str, field: str, amount: int = 1) -> None:
    key = _KEY.format(task=task, field=field)
    try:
        cache.incr(key, amount)
    except ValueError:  # not there yet (or evicted): start it
        if not cache.add(key, amount, timeout=None):
            cache.incr(key, amount)


@task_prerun.connect(dispatch_uid="metrics_task_started")
def _task_started(task=None, **kwargs):
    task.request._metrics_started = time.monotonic()
    _count(task.name, "started")


@task_postrun.connect(dispatch_uid="metrics_task_finished")
def _task_finished(task=None, state=None, **kwargs):
    """Outcome and run time, from the state Celery reports after every run (also for eager
    runs, where no failure signal is sent)."""
    if state == "SUCCESS":
        _count(task.name, "succeeded")
    elif state == "FAILURE":
        _count(task.name, "failed")
    started = getattr(task.request, "_metrics_started", None)
    if started is not None:
        _count(task.name, "millis", int((time.monotonic() - started) * _MILLIS))


def _queue_lengths() -> dict[str, int]:
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        return {}
    import redis

    client = redis.Redis.from_url(broker, socket_timeout=2)
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    return {queue: client.llen(queue)}


class CampusCollector(prometheus_client.registry.Collector):
    def describe(self):
        """The names, without reading anything (registering must not touch the database)."""
        yield CounterMetricFamily("campus_celery_tasks", "", labels=["task", "state"])
        yield CounterMetricFamily("campus_celery_task_seconds", "", labels=["task"])
        yield GaugeMetricFamily("campus_celery_queue_length", "", labels=["queue"])
        yield GaugeMetricFamily("campus_certificates_pending", "")

    def collect(self):
        from certificates.models import Certificate

        names = _task_names()
        keys = [_KEY.format(task=n, field=f) for n in names for f in (*STATES, "millis")]
        values = cache.get_many(keys)
        tasks = CounterMetricFamily(
            "campus_celery_tasks", "Celery tasks by state, all workers", labels=["task", "state"]
        )
        seconds = CounterMetricFamily(
            "campus_celery_task_seconds", "Run time of Celery tasks, all workers", labels=["task"]
        )
        for name in names:
            for state in STATES:
                tasks.add_metric([name, state], values.get(_KEY.format(task=name, field=state), 0))
            millis = values.get(_KEY.format(task=name, field="millis"), 0)
            seconds.add_metric([name], millis / _MILLIS)
        yield tasks
        yield seconds
        queues = GaugeMetricFamily(
            "campus_celery_queue_length", "Messages waiting in the broker", labels=["queue"]
        )
        for queue, length in _queue_lengths().items():
            queues.add_metric([queue], length)
        yield queues
        pending = Certificate.objects.filter(status=Certificate.Status.PENDING).count()
        yield GaugeMetricFamily(
            "campus_certificates_pending", "Certificates whose PDF is not rendered yet", pending
        )


_collector = CampusCollector()
prometheus_client.REGISTRY.register(_collector)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics for a scraper that presents ``Authorization: Bearer <METRICS_TOKEN>``; 404
    while no token is configured, so nothing is exposed by default."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    response = ExportToDjangoView(request)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Our collector reads shared state (cache, broker, database): add it to the
        # per-scrape registry the multi-process export builds.
        registry = prometheus_client.CollectorRegistry()
        registry.register(_collector)
        response.content += prometheus_client.generate_latest(registry)
    return response
