"""Production refuses to start half-configured: without a Celery broker every certificate PDF,
mail and export would quietly run inside the web request."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_production_settings(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "CELERY_EAGER", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "x" * 64,
            "ALLOWED_HOSTS": "campus.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/kommunal_campus",
            **env,
        }
    )
    return subprocess.run(  # noqa: S603 (this interpreter, a fixed snippet)
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_broker_refuses_to_start():
    result = _load_production_settings()
    assert result.returncode != 0
    assert "CELERY_BROKER_URL must be set" in result.stderr


def test_production_starts_with_a_broker_or_when_eager_on_purpose():
    assert _load_production_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0").returncode == 0
    assert _load_production_settings(CELERY_EAGER="true").returncode == 0


def test_several_nodes_need_object_storage():
    """Two app servers writing to their own disks could not serve each other's files."""
    broker = {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    result = _load_production_settings(APP_NODES="2", **broker)
    assert result.returncode != 0
    assert "APP_NODES > 1 needs object storage" in result.stderr
    assert _load_production_settings(APP_NODES="2", S3_BUCKET="campus", **broker).returncode == 0
