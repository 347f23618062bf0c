"""Copy the media files of a single-machine installation (``MEDIA_ROOT``) into the configured
storage (the S3 bucket, once ``S3_BUCKET`` is set) and verify every copy by its SHA-256.

Run it once when moving to several app servers, again after any files were written locally
meanwhile: files already in the bucket with the same content are skipped, so it is safe to
repeat. A file that exists in the bucket with *different* content is reported and left alone;
the command then fails, so nothing is silently overwritten.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

CHUNK = 1024 * 1024


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        return _sha256(handle)


class Command(BaseCommand):
    help = "Copy local media files into the configured storage and verify their SHA-256."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", default=str(settings.MEDIA_ROOT), help="local media folder (MEDIA_ROOT)"
        )
        parser.add_argument("--dry-run", action="store_true", help="only report what to copy")

    def handle(self, *args, source, dry_run, **options):
        root = Path(source)
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder.")
        copied = present = 0
        conflicts = []
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(root).as_posix()
            with path.open("rb") as handle:
                local = _sha256(handle)
            if default_storage.exists(name):
                if stored_sha256(name) == local:
                    present += 1
                else:
                    conflicts.append(name)
                continue
            if dry_run:
                copied += 1
                continue
            with path.open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=path.name))
            if saved != name or stored_sha256(saved) != local:
                raise CommandError(f"{name}: the stored copy does not match (SHA-256).")
            copied += 1
        verb = "zu kopieren" if dry_run else "kopiert und geprüft"
        self.stdout.write(
            f"{copied} Dateien {verb}, {present} schon vorhanden (SHA-256 gleich),"
            f" {len(conflicts)} Konflikte."
        )
        if conflicts:
            for name in conflicts:
                self.stderr.write(f"Konflikt (anderer Inhalt im Speicher): {name}")
            raise CommandError(f"{len(conflicts)} Dateien haben im Speicher einen anderen Inhalt.")
