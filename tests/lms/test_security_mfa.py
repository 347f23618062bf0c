"""A second factor for privileged roles: HR, organisation admins, trainers and staff confirm
each sign-in with an authenticator code (or a backup code); learners are not asked."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.services.mfa import backup_codes_renew
from tests.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.MFA_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _unthrottle(device):
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


def _sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def test_hr_without_an_app_is_led_through_setup_and_gets_backup_codes(client, hr_a, gemeinde_a):
    _sign_in(client, hr_a)
    matrix = reverse("hr_matrix", args=[gemeinde_a.pk])
    response = client.get(matrix)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "data:image/png;base64," in page and "otp-secret" in page
    device = TOTPDevice.objects.get(user=hr_a, confirmed=False)
    wrong = client.post(reverse("mfa_setup"), {"code": "000000", "next": matrix})
    assert wrong.status_code == 400 and "Der Code ist nicht gültig" in wrong.content.decode()
    _unthrottle(device)  # django-otp makes the next try wait a second after a wrong code
    session_key = client.session.session_key
    done = client.post(reverse("mfa_setup"), {"code": _code(device), "next": matrix})
    assert done.status_code == 200
    assert done.content.decode().count("<code>") == 10  # backup codes, shown once
    assert client.session.session_key != session_key  # new session key at the privilege step
    assert client.get(matrix).status_code == 200


def test_hr_with_an_app_confirms_each_sign_in(client, hr_a, gemeinde_a):
    device = TOTPDevice.objects.create(user=hr_a, name="App", confirmed=True)
    _sign_in(client, hr_a)
    matrix = reverse("hr_matrix", args=[gemeinde_a.pk])
    response = client.get(matrix)
    assert response["Location"].startswith(reverse("mfa_verify"))
    assert client.post(reverse("mfa_verify"), {"code": "123456"}).status_code == 400
    _unthrottle(device)  # django-otp makes the next try wait a second after a wrong code
    response = client.post(reverse("mfa_verify"), {"code": _code(device), "next": matrix})
    assert response.status_code == 302 and response["Location"] == matrix
    assert client.get(matrix).status_code == 200


def test_a_backup_code_works_once(client, hr_a):
    TOTPDevice.objects.create(user=hr_a, name="App", confirmed=True)
    code = backup_codes_renew(user=hr_a)[0]
    _sign_in(client, hr_a)
    assert client.post(reverse("mfa_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    _sign_in(client, hr_a)
    assert client.post(reverse("mfa_verify"), {"code": code}).status_code == 400


def test_admin_areas_need_the_second_factor_too(client, db):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True, email="betrieb@example.org")
    _sign_in(client, staff)
    for path in ("/cms/", "/django-admin/", "/personal/"):
        response = client.get(path)
        assert response.status_code == 302 and "/konto/zweiter-faktor/" in response["Location"]


def test_learners_are_not_asked(client, learner_a):
    _sign_in(client, learner_a)
    assert client.get(reverse("learning_dashboard")).status_code == 200
