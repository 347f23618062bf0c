"""Sign-in hardening (issue 12, first part): Argon2id hashing with PBKDF2 upgraded at login,
the real client address behind the proxy for throttling and rate limits, and session
lifetimes that are shorter for privileged roles."""

import time

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import RequestFactory, override_settings
from django.urls import reverse

from lms.models import Membership
from lms.security import sessions
from lms.security.client_ip import client_ip
from lms.settings import base as base_settings
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = base_settings.PASSWORD_HASHERS


def _login(client, email, password, ip):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=ip,
    )


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_passwords_are_hashed_with_argon2id_at_owasp_minimum():
    """New hashes are Argon2id with m >= 19 MiB, t >= 2 (the encoded hash says so)."""
    encoded = make_password("Kommune-Demo-2026")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert encoded.startswith("argon2$argon2id$")
    params = dict(part.split("=") for part in encoded.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2
    assert check_password("Kommune-Demo-2026", encoded)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_pbkdf2_hash_is_upgraded_at_next_login(client):
    """A person whose password was stored with PBKDF2 signs in and leaves with Argon2id."""
    person = UserFactory(email="alt@bonn.de")
    person.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.7", "203.0.113.9"),  # no proxy: the header is ignored
        (1, "10.0.0.1", "198.51.100.7", "198.51.100.7"),  # behind one proxy
        (1, "10.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # forged left part ignored
        (2, "10.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"),  # two proxies
        (2, "10.0.0.1", "198.51.100.7", "10.0.0.1"),  # fewer hops than declared: not believed
        (1, "10.0.0.1", "kein-ip", "10.0.0.1"),
        (0, "", "", None),  # no socket address (in-process request): nothing to store
        (1, "", "kein-ip", None),
    ],
)
def test_client_ip_trusts_only_declared_proxies(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_sign_in_without_a_socket_address_is_logged(client):
    """``force_login`` builds a request without REMOTE_ADDR; the login log (an ``inet`` column on
    PostgreSQL) records it without an address instead of failing the sign-in."""
    from axes.models import AccessLog

    person = UserFactory(email="ohne-adresse@bonn.de")
    client.force_login(person)
    log = AccessLog.objects.get(username=person.get_username())
    assert log.ip_address is None


def test_attacker_from_another_ip_cannot_lock_out_the_real_user(client, settings):
    """Behind the proxy (every request comes from 10.0.0.1), ten failures from an attacker's
    address lock out only that address; the real user signs in from theirs."""
    settings.TRUSTED_PROXY_COUNT = 1
    person = UserFactory(email="opfer@bonn.de")
    for _ in range(10):
        _login(client, person.email, "falsch", ip="198.51.100.66")
    assert _login(client, person.email, TEST_PASSWORD, ip="198.51.100.66").status_code == 429
    response = _login(client, person.email, TEST_PASSWORD, ip="203.0.113.5")
    assert response.status_code == 302


def test_verify_rate_limit_counts_per_client_behind_the_proxy(client, settings):
    """One client exhausting the verification limit does not block another behind the proxy."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    url = reverse("certificate_verify", args=["A" * 32])
    for _ in range(4):
        client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    blocked = client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    other = client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert blocked.status_code == 429 and other.status_code == 404


def _age_session(client, *, idle: int = 0, since_login: int = 0):
    session = client.session
    now = int(time.time())
    session[sessions.SEEN_AT] = now - idle
    session[sessions.LOGIN_AT] = now - since_login
    session.save()


def test_hr_session_ends_after_30_idle_minutes(client, gemeinde_a):
    """An HR officer away for 31 minutes is signed out and sent to the login page with a
    note; a learner away as long is not."""
    hr = UserFactory(email="hr@bonn.de")
    Membership.objects.create(user=hr, organisation=gemeinde_a, role=Membership.Role.HR)
    client.post(reverse("login"), {"username": hr.email, "password": TEST_PASSWORD})
    assert client.session[sessions.PRIVILEGED] is True
    _age_session(client, idle=31 * 60, since_login=31 * 60)
    response = client.get(reverse("learning_dashboard"))
    assert response.status_code == 302 and "abgelaufen=1" in response["Location"]
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Ihre Sitzung ist abgelaufen" in page

    learner = UserFactory(email="lerner@bonn.de")
    client.post(reverse("login"), {"username": learner.email, "password": TEST_PASSWORD})
    assert client.session[sessions.PRIVILEGED] is False
    _age_session(client, idle=31 * 60, since_login=31 * 60)
    assert client.get(reverse("learning_dashboard")).status_code == 200


def test_learner_session_has_an_absolute_lifetime(client):
    """Even an active learner signs in again after the absolute lifetime (24 h)."""
    learner = UserFactory(email="lerner@bonn.de")
    client.post(reverse("login"), {"username": learner.email, "password": TEST_PASSWORD})
    _age_session(client, idle=10, since_login=25 * 3600)
    response = client.get(reverse("learning_dashboard"))
    assert response.status_code == 302 and "abgelaufen=1" in response["Location"]


def test_password_reset_mails_are_throttled_per_address_and_client(client, settings):
    """Three mails an hour to one address, however often the form is sent; the page looks the
    same either way. From one client at most ten addresses an hour."""
    from django.core import mail

    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 5
    person = UserFactory(email="reset@bonn.de")
    for _round in range(6):
        response = client.post(reverse("password_reset"), {"email": "Reset@Bonn.de"})
        assert response.status_code == 302
    assert len(mail.outbox) == 3 and mail.outbox[0].to == [person.email]
    other = UserFactory(email="noch-jemand@bonn.de")
    client.post(reverse("password_reset"), {"email": other.email})
    assert len(mail.outbox) == 3  # this client is over its limit now


def test_guesses_from_many_addresses_slow_the_account_down_but_never_lock_it(
    client, settings, monkeypatch
):
    """Twelve guesses from twelve addresses (each under the per-address lockout): the account
    now makes every attempt wait, whoever asks, before any password is checked; the real person
    waits those seconds and signs in."""
    settings.TRUSTED_PROXY_COUNT = 1
    person = UserFactory(email="ziel@bonn.de")
    for n in range(12):
        _login(client, person.email, "geraten", ip=f"198.51.100.{n + 1}")

    response = _login(client, person.email, TEST_PASSWORD, ip="203.0.113.5")
    assert response.status_code == 200
    assert "Bitte warten Sie" in response.content.decode()

    from lms.security import slowdown

    later = time.time() + settings.LOGIN_SLOWDOWN_MAX_SECONDS
    monkeypatch.setattr(slowdown, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    response = _login(client, person.email, TEST_PASSWORD, ip="203.0.113.5")
    assert response.status_code == 302
