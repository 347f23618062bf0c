"""A session's privileges follow the person's role while it is open: made HR, the open learner
session gets a new key, the second-factor requirement and the shorter limits at its next
request; a withdrawn role stops counting at once too."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from lms import services
from lms.models import Membership
from lms.security.sessions import PRIVILEGED
from tests.factories import TEST_PASSWORD


@pytest.fixture
def signed_in_learner(client, learner_a):
    client.post(reverse("login"), {"username": learner_a.email, "password": TEST_PASSWORD})
    assert client.get(reverse("learning_dashboard")).status_code == 200
    return learner_a


def test_made_hr_while_signed_in_rotates_session_and_asks_for_second_factor(
    client, settings, signed_in_learner, gemeinde_a
):
    settings.MFA_REQUIRED = True
    key_before = client.session.session_key

    services.membership_set(user=signed_in_learner, organisation=gemeinde_a, role="hr")
    response = client.get(reverse("learning_dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    assert client.session.session_key != key_before
    assert client.session[PRIVILEGED] is True


def test_added_to_trainer_group_counts_too(client, settings, signed_in_learner):
    settings.MFA_REQUIRED = True
    group, _created = Group.objects.get_or_create(name="Trainer")

    group.user_set.add(signed_in_learner)

    assert client.get(reverse("learning_dashboard"))["Location"].startswith(reverse("mfa_setup"))


def test_withdrawn_role_stops_counting(client, hr_a, gemeinde_a):
    client.post(reverse("login"), {"username": hr_a.email, "password": TEST_PASSWORD})
    assert client.session[PRIVILEGED] is True

    services.membership_set(user=hr_a, organisation=gemeinde_a, role=Membership.Role.LEARNER)
    client.get(reverse("learning_dashboard"))

    assert client.session[PRIVILEGED] is False


def test_unchanged_privileges_keep_the_session_key(client, signed_in_learner):
    key_before = client.session.session_key
    signed_in_learner.full_name = "Anders Geschrieben"
    signed_in_learner.save()

    client.get(reverse("learning_dashboard"))

    assert client.session.session_key == key_before
