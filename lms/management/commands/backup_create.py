"""Back up the database (pg_dump) and every media file, with SHA-256 sums (docs/betrieb.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.services.backup import backup_create


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and all media files into an empty folder."

    def add_arguments(self, parser):
        parser.add_argument("target", help="an empty (or new) folder for the backup")

    def handle(self, *args, target, **options):
        try:
            manifest = backup_create(target=Path(target))
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung in {target}: Datenbank und {len(manifest['files'])} Dateien."
            )
        )
