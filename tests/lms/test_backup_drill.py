"""The backup drill (issue 18), as an operator runs it: a seeded system on PostgreSQL with its
media in an S3 bucket (SeaweedFS) is backed up (pg_dump plus the bucket), destroyed (database
dropped, bucket emptied) and restored into an empty database; the demo certificate still
verifies, its PDF's SHA-256 matches and the matrix counts are equal. Runs the real management
commands in their own processes against their own databases."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.conftest import requires_postgres
from tests.peers.seaweedfs import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedS3, seaweedfs_available

ROOT = Path(__file__).resolve().parents[2]
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

FACTS = """
import json
from django.db.models import Count, Sum
from django.test import Client
from certificates.models import Certificate
from lms.models import QualificationStatus, UnitStatusCount
from django.core.files.storage import default_storage
import hashlib
certificate = Certificate.objects.exclude(pdf="").order_by("pk").first()
with default_storage.open(certificate.pdf.name, "rb") as handle:
    stored = hashlib.sha256(handle.read()).hexdigest()
page = Client(HTTP_HOST="localhost").get(f"/verify/{certificate.code}/")
print(json.dumps({
    "serial": certificate.serial,
    "sha256": certificate.sha256,
    "stored_sha256": stored,
    "verify_status": page.status_code,
    "verified": 'data-state="valid"' in page.content.decode(),
    "matrix": sorted(QualificationStatus.objects.values_list("status").annotate(n=Count("id"))),
    "unit_counts": sorted(UnitStatusCount.objects.values_list("status").annotate(n=Sum("change"))),
    "certificates": Certificate.objects.count(),
}))
"""

pytestmark = [
    requires_postgres,
    pytest.mark.skipif(not seaweedfs_available(), reason="SeaweedFS peer missing (make peers)"),
]


def _database(name, *, create):
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def _manage(env, *args, check=True):
    result = subprocess.run(  # noqa: S603 (this interpreter, our manage.py, fixed commands)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode:
        raise AssertionError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result


def _facts(env) -> dict:
    return json.loads(_manage(env, "shell", "-v", "0", "-c", FACTS).stdout.strip().splitlines()[-1])


def test_backup_destroy_restore(tmp_path):
    source_db, target_db = f"campus_drill_src_{os.getpid()}", f"campus_drill_dst_{os.getpid()}"
    with SeaweedS3() as s3:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": s3.endpoint,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "MEDIA_ROOT": str(tmp_path / "no-local-media"),
            "SITE_URL": "http://localhost",
        }
        source = {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{source_db}"}
        target = {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{target_db}"}
        try:
            _database(source_db, create=True)
            _manage(source, "migrate", "-v0")
            _manage(source, "seed_demo")
            before = _facts(source)
            assert before["verified"] and before["sha256"] == before["stored_sha256"]

            backup = tmp_path / "sicherung"
            _manage(source, "backup_create", str(backup))
            manifest = json.loads((backup / "manifest.json").read_text())
            assert any(name.startswith("certificates/") for name in manifest["files"])

            # Destroy: the database is gone, the bucket is empty.
            _database(source_db, create=False)
            client = s3.client()
            for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
                client.delete_object(Bucket=BUCKET, Key=item["Key"])
            assert not client.list_objects_v2(Bucket=BUCKET).get("Contents")

            _database(target_db, create=True)
            restored = _manage(target, "backup_restore", str(backup))
            assert "Wiederherstellung vollständig und geprüft." in restored.stdout
            after = _facts(target)
            assert after == before  # verifies, same PDF bytes, same matrix counts

            # A second restore into the now filled system is refused.
            again = _manage(target, "backup_restore", str(backup), check=False)
            assert again.returncode != 0 and "not empty" in again.stderr
        finally:
            _database(source_db, create=False)
            _database(target_db, create=False)
