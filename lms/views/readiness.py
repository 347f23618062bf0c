"""Readiness for the load balancer and Kubernetes: may this app server take requests now?

``/healthz`` (liveness, in ``accounts``) stays as it was; ``/readyz`` adds the object storage
and the database schema: a node whose bucket is unreachable, or that runs code newer than the
migrated schema (during a rolling upgrade), answers 503 and gets no traffic.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .accounts import _check_broker, _check_cache, _check_database, checks_response

_schema_current = False  # once the migrations are applied, this process's code fits the schema


def _check_migrations() -> None:
    global _schema_current
    if _schema_current:
        return
    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:
        raise RuntimeError(f"{len(missing)} migrations not applied")
    _schema_current = True


def _check_storage() -> None:
    default_storage.exists("readiness-probe")  # a HEAD request on S3; raises when unreachable


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check_database,
        "migrations": _check_migrations,
        "cache": _check_cache,
        "storage": _check_storage,
    }
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker
    return checks_response(checks)
