"""Celery tasks of the learning core."""

from celery import shared_task


@shared_task(name="lms.ping")
def ping_task() -> str:
    """Round-trip check used by /healthz tests and operators: proves a worker answers."""
    return "pong"
