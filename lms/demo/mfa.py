"""Demo second factor: every privileged demo account gets an authenticator "app" with one
published demo key, so the demo logins stay usable. ``make run`` prints the key and how to get
the current code (``manage.py demo_codes``). Only ``seed_demo`` calls this; real accounts set up
their own app."""

import time
from base64 import b32encode
from binascii import unhexlify

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_KEY_HEX = "4b6f6d6d756e616c2d43616d7075732d44656d6f"  # "Kommunal-Campus-Demo"


def demo_secret() -> str:
    return b32encode(unhexlify(DEMO_KEY_HEX)).decode()


def demo_code(at: float | None = None) -> str:
    totp = TOTP(unhexlify(DEMO_KEY_HEX))
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def demo_devices_ensure(users) -> int:
    """Give each user the demo app (idempotent); returns how many were created."""
    created = 0
    for user in users:
        _device, was_created = TOTPDevice.objects.get_or_create(
            user=user, name="Demo-App", defaults={"key": DEMO_KEY_HEX, "confirmed": True}
        )
        created += was_created
    return created
