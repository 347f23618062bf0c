"""Backup and restore of a whole installation: the PostgreSQL database (``pg_dump``, one
consistent snapshot) plus every media file of the storage (local folder or S3 bucket), with a
manifest of SHA-256 sums, and the restore of such a backup into an *empty* system.

Order matters for consistency: the database is dumped first, then the files are copied. Files
are never overwritten in place (every stored name has a random part), so each file a dumped row
names is still there when the copy runs, unless a purge deleted it in between; the restore
checks every file the database names and reports any that is missing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

CHUNK = 1024 * 1024
DUMP = "database.dump"
MANIFEST = "manifest.json"
MEDIA = "media"


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("Backups need PostgreSQL (the embedded SQLite default is one file).")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or "5432"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{host}:{port}/{params['NAME']}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is missing (Debian: apt-get install postgresql-client).")
    return path


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _all_names(directory: str = "") -> list[str]:
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a local media folder that was never created: no files yet
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for folder in folders:
        names += _all_names(f"{directory}/{folder}" if directory else folder)
    return names


def backup_create(*, target: Path) -> dict:
    """Write ``database.dump``, ``media/`` and ``manifest.json`` into ``target`` (empty or new)."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise RuntimeError(f"{target} is not empty.")
    started = timezone.now()
    subprocess.run(  # noqa: S603 (PostgreSQL's own tool, arguments from our settings)
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={target / DUMP}",
            _database_url(),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    files = {}
    for name in sorted(_all_names()):
        destination = target / MEDIA / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, destination.open("wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        with destination.open("rb") as copy:
            files[name] = _sha256(copy)
    with (target / DUMP).open("rb") as dump:
        manifest = {
            "created_at": started.isoformat(),
            "database_sha256": _sha256(dump),
            "files": files,
        }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


@dataclass
class RestoreReport:
    files_restored: int = 0
    files_present: int = 0
    missing_referenced: list[str] = field(default_factory=list)
    certificates_checked: int = 0
    certificate_mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing_referenced and not self.certificate_mismatches


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def backup_restore(*, source: Path) -> RestoreReport:
    """Restore a backup into an empty database and storage, verifying every file against the
    manifest and every certificate PDF against the SHA-256 its row records."""
    manifest = json.loads((source / MANIFEST).read_text())
    with (source / DUMP).open("rb") as dump:
        if _sha256(dump) != manifest["database_sha256"]:
            raise RuntimeError("The database dump does not match the manifest.")
    if not _database_is_empty():
        raise RuntimeError("The target database is not empty: restore only into an empty system.")
    subprocess.run(  # noqa: S603 (PostgreSQL's own tool, arguments from our settings)
        [
            _tool("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--dbname={_database_url()}",
            str(source / DUMP),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    connection.close()  # the restored schema: no cached state from the empty database
    report = RestoreReport()
    for name, expected in manifest["files"].items():
        local = source / MEDIA / name
        with local.open("rb") as handle:
            if _sha256(handle) != expected:
                raise RuntimeError(f"{name}: the backup copy does not match the manifest.")
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                if _sha256(stored) != expected:
                    raise RuntimeError(f"{name} exists in the storage with other content.")
            report.files_present += 1
            continue
        with local.open("rb") as handle:
            saved = default_storage.save(name, File(handle, name=Path(name).name))
        if saved != name:
            raise RuntimeError(f"{name} was stored as {saved}.")
        report.files_restored += 1
    _verify_certificates(report)
    return report


def _verify_certificates(report: RestoreReport) -> None:
    from certificates.models import Certificate

    for serial, name, sha256 in Certificate.objects.exclude(pdf="").values_list(
        "serial", "pdf", "sha256"
    ):
        report.certificates_checked += 1
        if not default_storage.exists(name):
            report.missing_referenced.append(name)
            continue
        with default_storage.open(name, "rb") as handle:
            if _sha256(handle) != sha256:
                report.certificate_mismatches.append(serial)
