"""What a sign-in through the IdP changes here (lms.services.sso.sso_user_for_claims): the
directory leads for unit, name and mapped profiles; what HR set by hand and the directory does
not speak about stays."""

import pytest

from lms.models import JobProfile, Membership, SsoClaimMapping
from lms.services.sso import SsoRefused, sso_user_for_claims
from tests.factories import make_identity_provider, make_member, make_organisation


@pytest.fixture
def idp(gemeinde_b):
    return make_identity_provider(gemeinde_b)


def claims(**extra):
    return {"sub": "k-4711", "email": "jan.berg@stadt-koeln.de", "name": "Jan Berg", **extra}


def test_role_and_job_profiles_set_by_hand_survive_a_sign_in(idp, gemeinde_b):
    person = make_member(gemeinde_b, Membership.Role.HR, email="jan.berg@stadt-koeln.de")
    profile = JobProfile.objects.create(name="Personalsachbearbeitung")
    Membership.objects.get(user=person).job_profiles.add(profile)

    assert sso_user_for_claims(idp, claims()) == person

    membership = Membership.objects.get(user=person)
    assert membership.role == Membership.Role.HR
    assert list(membership.job_profiles.all()) == [profile]


def test_moving_unit_in_the_directory_moves_the_membership(idp, gemeinde_b, amt_b):
    other_unit = make_organisation("Ordnungsamt Köln", parent=gemeinde_b)
    for unit, value in ((amt_b, "Kundenzentren"), (other_unit, "Ordnungsamt")):
        SsoClaimMapping.objects.create(
            identity_provider=idp, claim="department", value=value, unit=unit
        )

    person = sso_user_for_claims(idp, claims(department="Kundenzentren"))
    assert [m.organisation for m in Membership.objects.filter(user=person)] == [amt_b]

    sso_user_for_claims(idp, claims(department="Ordnungsamt"))
    assert [m.organisation for m in Membership.objects.filter(user=person)] == [other_unit]


def test_mapping_to_a_unit_of_another_municipality_is_ignored(idp, gemeinde_b, amt_a):
    SsoClaimMapping.objects.create(
        identity_provider=idp, claim="department", value="Bürgerdienste", unit=amt_a
    )

    person = sso_user_for_claims(idp, claims(department="Bürgerdienste"))

    assert [m.organisation for m in Membership.objects.filter(user=person)] == [gemeinde_b]


def test_a_new_subject_cannot_take_over_an_address_linked_to_another(idp, gemeinde_b):
    first = sso_user_for_claims(idp, claims())

    with pytest.raises(SsoRefused):
        sso_user_for_claims(idp, claims(sub="k-9999"))

    assert first.sso_identities.get().subject == "k-4711"
