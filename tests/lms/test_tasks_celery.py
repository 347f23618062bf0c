"""Celery wiring: eager by default, and a real worker on Redis in CI."""

import pytest

from lms.tasks import ping_task
from tests.conftest import requires_redis


def test_ping_eager_runs_in_process():
    """Without a broker the embedded default runs tasks in the web process."""
    assert ping_task.delay().get(timeout=1) == "pong"


@requires_redis
@pytest.mark.django_db(transaction=True)
def test_ping_through_real_worker_on_redis(celery_worker_on_redis):
    """With CI's Redis a separate worker thread picks the task up from the broker."""
    result = ping_task.delay()
    assert result.get(timeout=20) == "pong"
