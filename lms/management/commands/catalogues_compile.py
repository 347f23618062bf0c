"""Compile the translation catalogues (``*.po`` → ``*.mo``) with polib, for machines without
GNU gettext's ``msgfmt``: ``make run`` and ``make test`` then need no system package for the
German interface (they use Django's ``compilemessages`` when ``msgfmt`` is there)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "node_modules", ".peers", ".git"}


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po of the project to .mo (polib)."

    def handle(self, *args, **options):
        import polib  # development dependency (requirements-dev.lock)

        root = Path(settings.BASE_DIR)
        compiled = 0
        for po_path in root.rglob("locale/*/LC_MESSAGES/*.po"):
            if SKIP & set(po_path.relative_to(root).parts):
                continue
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"{compiled} Kataloge übersetzt.")
