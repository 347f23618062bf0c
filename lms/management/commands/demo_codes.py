"""``manage.py demo_codes``: the current second-factor code of the demo accounts (all share
one demo key, see ``lms.demo.mfa``). Never useful outside the demo: real accounts have their
own keys."""

from django.core.management.base import BaseCommand

from lms.demo.mfa import demo_code, demo_secret


class Command(BaseCommand):
    help = "Zeigt den aktuellen Code des zweiten Faktors der Demo-Zugänge."

    def handle(self, *args, **options):
        self.stdout.write(f"Aktueller Code: {demo_code()} (gilt etwa 30 Sekunden)")
        self.stdout.write(f"Schlüssel für eine Authenticator-App: {demo_secret()}")
