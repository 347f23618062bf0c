"""The user model: Unicode names round-trip, e-mail addresses are unique ignoring case."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from lms.models import User
from tests.factories import TEST_PASSWORD, UserFactory

UNICODE_NAMES = ["Łukasz Żółć", "Şeyma Çelik", "Ærøskøbing Ågård", "Jürgen Groß-Müller"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_user_unicode_name_round_trips_through_database_and_page(client, name):
    """A name is stored and shown exactly as the person wrote it."""
    user = UserFactory(full_name=name)
    assert User.objects.get(pk=user.pk).full_name == name
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert name in page


@pytest.mark.django_db
def test_user_email_unique_ignoring_case_in_database():
    """The database refuses a second account whose e-mail differs only in case."""
    UserFactory(email="Anna.Muster@Bonn.de")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="anna.muster@bonn.de", password="x", full_name="Anna")


@pytest.mark.django_db
def test_user_email_clash_gives_german_validation_message():
    """Forms validating a user get a clear German message instead of a database error."""
    UserFactory(email="anna@bonn.de")
    duplicate = User(email="ANNA@bonn.de", full_name="Anna Zwei")
    with pytest.raises(Exception) as excinfo:
        duplicate.full_clean(exclude=["password"])
    assert "bereits verwendet" in str(excinfo.value)


@pytest.mark.django_db
def test_user_login_accepts_email_in_any_case(client):
    """People type their address as they like: login finds the account regardless of case."""
    UserFactory(email="kim.weber@koeln.de")
    response = client.post(
        reverse("login"), {"username": "Kim.Weber@KOELN.de", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
