"""``manage.py demo_idp --port 8001``: run Köln's demo directory (an OpenID Provider) for
``make run`` and register it; stops with the platform. See ``lms.demo.idp``."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lms.demo.idp import DEMO_DIRECTORY, DEMO_IDP_PASSWORD, demo_idp_config, demo_idp_register

PEER = Path(settings.BASE_DIR) / "tests" / "peers" / "oidc_idp.mjs"
PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "oidc-provider"


class Command(BaseCommand):
    help = "Start the demo's OpenID Provider (Stadt Köln) and register it (make run)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8001)

    def handle(self, *args, port: int, **options):
        node = shutil.which("node")
        if not node or not PACKAGE.exists():
            self.stdout.write(
                "Single Sign-on-Demo nicht gestartet: dafür braucht es Node.js und `npm ci` "
                "(das npm-Paket oidc-provider). Alles andere läuft ohne."
            )
            return
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as config:
            json.dump(demo_idp_config(port), config)
        process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [node, str(PEER), config.name], stdout=subprocess.PIPE, text=True
        )
        # `make run` stops it with SIGTERM: end the IdP too, not only this process
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
        try:
            ready = process.stdout.readline().strip()
            if not ready.startswith("READY "):
                self.stderr.write(f"Der Demo-IdP ist nicht gestartet: {ready!r}")
                return
            demo_idp_register(ready.removeprefix("READY "))
            self._print_how(ready.removeprefix("READY "))
            process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            process.terminate()
            Path(config.name).unlink(missing_ok=True)

    def _print_how(self, issuer: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"Single Sign-on-Demo: Verzeichnis der Stadt Köln unter {issuer}")
        )
        for login, claims in DEMO_DIRECTORY.items():
            self.stdout.write(
                f"  auf der Anmeldeseite {claims['email']} eingeben, beim IdP "
                f"Benutzername {login}, Passwort {DEMO_IDP_PASSWORD}"
            )
