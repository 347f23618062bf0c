"""Forwarding the learning record to external learning record stores (xAPI 1.0.3).

Each store (``LrsEndpoint``) gets the statements its filter selects, oldest first, in batches
of ``batch_size`` POSTed to ``<url>/statements``. A batch the store accepted is recorded as one
``LrsDelivery`` row per statement, in its own transaction, so a statement is never sent to a
store again once it was accepted. Should the process die between the store's answer and that
commit, the batch goes again: harmless, as every statement carries its fixed UUID and a store
keeps one statement per id.

A store that is down or refuses a batch is retried with exponential backoff (30 s doubling up
to an hour); its backlog drains, oldest first, once it answers again. Only one worker sends to
a store at a time (a cache lock), so two workers never send the same batch side by side.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import xapi
from ..models import LearningStatement, LrsDelivery, LrsEndpoint, Membership

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
LOCK_SECONDS = 15 * 60


class LrsRefused(Exception):
    """The store did not accept a batch (unreachable, an error status, a malformed answer)."""


def _pending(endpoint: LrsEndpoint):
    """The statements the endpoint's filter selects that it has not accepted yet."""
    statements = LearningStatement.objects.filter(
        ~Exists(LrsDelivery.objects.filter(endpoint=endpoint, statement=OuterRef("pk")))
    )
    if endpoint.verbs:
        statements = statements.filter(verb__in=[xapi.verb_iri(verb) for verb in endpoint.verbs])
    paths = list(endpoint.organisations.values_list("path", flat=True))
    if paths:
        within = Q()
        for path in paths:
            within |= Q(organisation__path__startswith=path)
        statements = statements.filter(
            Exists(Membership.objects.filter(within, user=OuterRef("actor_id")))
        )
    return statements


def pending_statements(endpoint: LrsEndpoint, limit: int) -> list[LearningStatement]:
    """The oldest ``limit`` statements waiting for this store."""
    return list(_pending(endpoint).order_by("pk")[:limit])


def backlog(endpoint: LrsEndpoint) -> int:
    """How many statements still wait for this store (admin list, monitoring)."""
    return _pending(endpoint).count()


def _send(endpoint: LrsEndpoint, statements: list[LearningStatement]) -> None:
    auth = (endpoint.username, endpoint.password) if endpoint.username else None
    try:
        response = requests.post(
            endpoint.statements_url(),
            json=[statement.as_xapi() for statement in statements],
            auth=auth,
            headers={"X-Experience-API-Version": xapi.VERSION},
            timeout=settings.LRS_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise LrsRefused(f"{type(error).__name__}: {error}") from error
    if response.status_code == 409 and len(statements) > 1:
        # Some ids are stored there already (a batch whose delivery rows were lost): the
        # store takes none of the batch, so send them one by one.
        for statement in statements:
            _send(endpoint, [statement])
        return
    if response.status_code == 409:
        return  # this statement id is stored there already: delivered before
    if response.status_code not in (200, 204):
        raise LrsRefused(f"HTTP {response.status_code}: {response.text[:500]}")


def _backoff_seconds(failures: int) -> int:
    return min(BACKOFF_FIRST_SECONDS * 2 ** max(failures - 1, 0), BACKOFF_MAX_SECONDS)


def lrs_forward(*, endpoint: LrsEndpoint, max_batches: int = 50, now=None) -> int:
    """Send what ``endpoint`` has not accepted yet, up to ``max_batches`` batches; the number
    of statements it accepted. Does nothing while another worker sends to it or while it is
    backing off after a failure."""
    now = now or timezone.now()
    if not endpoint.is_active or (endpoint.next_attempt_at and endpoint.next_attempt_at > now):
        return 0
    lock = f"lrs-forward:{endpoint.pk}"
    if not cache.add(lock, 1, LOCK_SECONDS):
        return 0
    sent = 0
    try:
        for _ in range(max_batches):
            batch = pending_statements(endpoint, endpoint.batch_size)
            if not batch:
                break
            try:
                _send(endpoint, batch)
            except LrsRefused as error:
                _record_failure(endpoint, str(error), now)
                return sent
            with transaction.atomic():
                LrsDelivery.objects.bulk_create(
                    [LrsDelivery(endpoint=endpoint, statement=s) for s in batch],
                    ignore_conflicts=True,
                )
            sent += len(batch)
        if sent or endpoint.failures:
            LrsEndpoint.objects.filter(pk=endpoint.pk).update(
                failures=0,
                next_attempt_at=None,
                last_error="",
                last_delivered_at=timezone.now() if sent else endpoint.last_delivered_at,
            )
    finally:
        cache.delete(lock)
    return sent


def _record_failure(endpoint: LrsEndpoint, error: str, now) -> None:
    failures = endpoint.failures + 1
    wait = _backoff_seconds(failures)
    logger.warning(
        "LRS %s refused a batch (%s failures in a row, next try in %s s): %s",
        endpoint.name,
        failures,
        wait,
        error,
    )
    LrsEndpoint.objects.filter(pk=endpoint.pk).update(
        failures=failures, next_attempt_at=now + timedelta(seconds=wait), last_error=error
    )


def lrs_forward_all(*, max_batches: int = 50) -> dict[int, int]:
    """One round over every active store (the beat task); statements accepted per store."""
    return {
        endpoint.pk: lrs_forward(endpoint=endpoint, max_batches=max_batches)
        for endpoint in LrsEndpoint.objects.filter(is_active=True)
    }


def lrs_backlog_waiting(now=None) -> bool:
    """Whether a store that is not backing off still has statements waiting."""
    now = now or timezone.now()
    endpoints = LrsEndpoint.objects.filter(is_active=True).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return any(_pending(endpoint).exists() for endpoint in endpoints)
