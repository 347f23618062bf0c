"""The demo's single sign-on (``make run`` starts it): Köln's directory, a real OpenID Provider,
registered as the docs tell an IT department to. Tried as a new user would: an employee signs
in with the directory account and lands in the right unit with the right job profile; HR is
made to set up a second factor unless the directory confirmed one; a Bonn address cannot be
reached through Köln's IdP."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from lms.demo.idp import DEMO_SSO_DOMAIN, demo_idp_config, demo_idp_register
from lms.demo.organisations import JOB_PROFILES, ORGANISATION_TREE
from lms.management.commands.seed_demo import _seed_tree
from lms.models import JobProfile, Membership, User
from tests.lms.test_sso_oidc import full_sign_in, signed_in_user
from tests.peers.oidc import OidcProvider, oidc_provider_available

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not oidc_provider_available(), reason="npm oidc-provider is needed"),
]


@pytest.fixture(scope="module")
def demo_directory():
    config = demo_idp_config(0)
    with OidcProvider(config["clients"], config["accounts"]) as server:
        yield server


@pytest.fixture
def demo_idp(demo_directory):
    _seed_tree(ORGANISATION_TREE)
    for name, description in JOB_PROFILES:
        JobProfile.objects.get_or_create(name=name, defaults={"description": description})
    idp = demo_idp_register(demo_directory.issuer)
    assert demo_idp_register(demo_directory.issuer) == idp  # registering again changes nothing
    return idp


def test_a_koeln_employee_signs_in_through_the_demo_directory(client, demo_idp):
    full_sign_in(client, f"anna.schmidt@{DEMO_SSO_DOMAIN}", "anna")

    user = User.objects.get(email=f"anna.schmidt@{DEMO_SSO_DOMAIN}")
    assert signed_in_user(client) == user
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.name, membership.organisation.get_parent().name) == (
        "Kundenzentren",
        "Stadt Köln",
    )
    assert [p.name for p in membership.job_profiles.all()] == ["Sachbearbeitung Bürgeramt"]


def test_demo_hr_must_set_up_a_second_factor_unless_the_directory_confirmed_one(
    client, demo_idp, settings
):
    settings.MFA_REQUIRED = True
    full_sign_in(client, f"yusuf.demir@{DEMO_SSO_DOMAIN}", "yusuf")
    assert Membership.objects.get(user__email__startswith="yusuf.").role == Membership.Role.HR
    assert client.get(reverse("hr_home"))["Location"].startswith(reverse("mfa_setup"))

    client.post(reverse("logout"))
    full_sign_in(client, f"yusuf.demir@{DEMO_SSO_DOMAIN}", "yusuf", mfa=True)
    response = client.get(reverse("hr_home"), follow=True)
    assert response.status_code == 200
    assert "Personal- und Verwaltungsmanagement" in response.content.decode()


def test_a_bonn_address_is_not_routed_to_koelns_directory(client, demo_idp):
    response = client.post(
        reverse("login"), {"username": "personal.bonn@demo.kommunal-campus.de", "password": ""}
    )
    assert demo_idp.issuer_url not in response.content.decode()


def test_the_command_says_what_is_missing_without_node(monkeypatch, capsys):
    monkeypatch.setattr("shutil.which", lambda name: None)
    call_command("demo_idp", port=0)
    assert "Single Sign-on-Demo nicht gestartet" in capsys.readouterr().out
