"""Accounts: login throttling, password reset, session rotation, profile and language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture
def person(db):
    return UserFactory(email="anna@bonn.de", full_name="Anna Müller")


def _login(client, password, email="anna@bonn.de"):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_wrong_password_german_message(client, person):
    """A wrong password is refused with a German explanation."""
    response = _login(client, "falsch")
    assert response.status_code == 200
    assert "Anmeldung fehlgeschlagen" in response.content.decode()


def test_login_throttled_after_repeated_failures(client, person, settings):
    """After the failure limit even the right password is refused for a while."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "falsch")
    response = _login(client, TEST_PASSWORD)
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_throttle_is_per_account(client, person):
    """Failures for one account do not lock out a colleague on the same network."""
    colleague = UserFactory(email="ben@bonn.de")
    for _attempt in range(10):
        _login(client, "falsch")
    response = _login(client, TEST_PASSWORD, email=colleague.email)
    assert response.status_code == 302


def test_login_rotates_session_key(client, person):
    """Logging in issues a new session key (no session fixation)."""
    client.get(reverse("login"))
    session = client.session
    session["probe"] = "1"
    session.save()
    before = session.session_key
    assert _login(client, TEST_PASSWORD).status_code == 302
    assert client.session.session_key != before


def test_login_applies_preferred_language(client, person):
    """Someone who prefers English gets the English UI right after login."""
    person.preferred_language = "en"
    person.save()
    response = _login(client, TEST_PASSWORD)
    assert response.cookies["django_language"].value == "en"
    assert "Skip to content" in client.get(reverse("home")).content.decode()


def test_password_reset_mail_and_link_set_new_password(client, person):
    """The reset mail carries a working link; the new password works, the old one not."""
    response = client.post(reverse("password_reset"), {"email": "ANNA@bonn.de"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@bonn.de"]
    link = re.search(r"https?://[^/]+(/konto/passwort-neu/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "Neues-Passwort-2026", "new_password2": "Neues-Passwort-2026"}
    )
    assert response.status_code == 302
    assert _login(client, TEST_PASSWORD).status_code == 200
    assert _login(client, "Neues-Passwort-2026").status_code == 302


def test_password_reset_unknown_address_reveals_nothing(client, db):
    """Unknown addresses get the same answer and no mail."""
    response = client.post(reverse("password_reset"), {"email": "niemand@nirgendwo.de"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_update_keeps_unicode_name(client, person):
    """A person corrects their name; it is saved exactly as typed."""
    client.force_login(person)
    response = client.post(
        reverse("profile"), {"full_name": "Şeyma Çelik", "preferred_language": "de"}, follow=True
    )
    person.refresh_from_db()
    assert person.full_name == "Şeyma Çelik"
    assert "gespeichert" in response.content.decode()


def test_profile_empty_name_refused_and_nothing_lost(client, person):
    """An empty name gets a German error; the stored name stays."""
    client.force_login(person)
    response = client.post(reverse("profile"), {"full_name": "", "preferred_language": "de"})
    assert response.status_code == 200
    assert "Dieses Feld muss ausgefüllt werden" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Anna Müller"


def test_language_switch_changes_ui_and_preference(client, person):
    """Switching to English changes the page language and is remembered on the account."""
    client.force_login(person)
    response = client.post(reverse("language_switch"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    person.refresh_from_db()
    assert person.preferred_language == "en"


def test_language_switch_refuses_foreign_redirect(client, db):
    """The switcher does not become an open redirect."""
    response = client.post(
        reverse("language_switch"), {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_logout_needs_post(client, person):
    """Logging out is a POST (CSRF-protected), and it ends the session."""
    client.force_login(person)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
