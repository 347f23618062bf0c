"""Second factor: TOTP devices (authenticator apps) and one-time backup codes (django-otp)."""

from base64 import b32encode

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

WRONG_CODE = _("The code is not valid. Please enter the current six-digit code of your app.")
APP_NAME = "Authenticator-App"
BACKUP_NAME = "Backup-Codes"
BACKUP_CODES = 10


def _verified(request, device) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # the session's privilege changed: a new session key


def second_factor_confirm(*, request, token: str) -> bool:
    """Check ``token`` against the person's confirmed devices (throttled by django-otp); on
    success the session is verified and gets a new key."""
    device = match_token(request.user, token.replace(" ", ""))
    if device is None:
        return False
    _verified(request, device)
    return True


def totp_device_pending(*, user) -> TOTPDevice:
    """The person's unconfirmed app device, created on first visit (the QR code stays the same
    while they set up the app)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with a first code; returns new backup codes (shown once), or None."""
    if not device.verify_token(token.replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = backup_codes_renew(user=device.user)
    _verified(request, device)
    return codes


def backup_codes_renew(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where the QR code cannot be scanned."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
