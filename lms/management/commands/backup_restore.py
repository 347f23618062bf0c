"""Restore a backup into an empty system and verify it (docs/betrieb.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.services.backup import backup_restore


class Command(BaseCommand):
    help = "Restore a backup (backup_create) into an empty database and storage, verified."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder")

    def handle(self, *args, source, **options):
        try:
            report = backup_restore(source=Path(source))
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{report.files_restored} Dateien wiederhergestellt, {report.files_present} waren da;"
            f" {report.certificates_checked} Zertifikats-PDFs geprüft."
        )
        if not report.ok:
            for name in report.missing_referenced:
                self.stderr.write(f"Fehlt: {name}")
            for serial in report.certificate_mismatches:
                self.stderr.write(f"SHA-256 stimmt nicht: Zertifikat {serial}")
            raise CommandError("Die Wiederherstellung ist unvollständig.")
        self.stdout.write(self.style.SUCCESS("Wiederherstellung vollständig und geprüft."))
