"""Single sign-on through a municipality's SAML 2.0 IdP, against a real one.

The IdP is pysaml2's ``Server`` (tests/peers/saml_idp.py) on 127.0.0.1 with its own keys,
signing with xmlsec1; it reads our SP metadata as an IdP admin would. The browser's part is
played by ``requests`` (the IdP's login form) and Django's test client (our side). Where a test
needs a bad response, the real IdP is made to misbehave, or its real response is spoilt the way
an attacker would.
"""

import base64

import pytest
from django.core.cache import cache
from django.urls import reverse

from lms.models import IdentityProvider, Membership, SsoIdentity, User
from tests.factories import make_member, map_koeln_directory
from tests.lms.test_sso_oidc import handover_target, signed_in_user
from tests.peers.saml_idp import SamlIdp, saml_idp_available, sign_in_at_saml_idp

pytestmark = pytest.mark.skipif(
    not saml_idp_available(), reason="pysaml2 and Debian's xmlsec1 are needed"
)

ACCOUNTS = {
    "anna": {
        "subject": "S-1-5-21-anna",
        "mail": "anna.schmidt@stadt-koeln.de",
        "givenName": "Anna",
        "sn": "Schmidt",
        "ou": "Kundenzentren",
        "memberOf": ["bürgerservice"],
    },
    "personal": {
        "subject": "S-1-5-21-petra",
        "mail": "petra.personal@stadt-koeln.de",
        "displayName": "Petra Personal",
        "memberOf": ["personalamt"],
    },
    # Köln's directory vouching for a Bonn address: never accepted.
    "fremd": {"subject": "S-1-5-21-fremd", "mail": "sachbearbeitung@bonn.de", "sn": "Bonn"},
}
ANNA = "anna.schmidt@stadt-koeln.de"


@pytest.fixture(scope="module")
def saml_server():
    with SamlIdp(ACCOUNTS) as server:
        yield server


@pytest.fixture
def koeln_saml(saml_server, client, gemeinde_b, amt_b):
    saml_server.reset()
    cache.clear()
    idp = IdentityProvider.objects.create(
        name="Stadt Köln",
        slug="koeln",
        protocol=IdentityProvider.Protocol.SAML,
        email_domains="stadt-koeln.de",
        saml_metadata_url=saml_server.metadata_url,
    )
    idp.organisations.add(gemeinde_b)
    map_koeln_directory(idp, amt_b)
    # The IT department hands our SP metadata to the IdP's admin (docs/sso-einrichten.md).
    saml_server.register_sp(client.get(reverse("saml_metadata", args=["koeln"])).content.decode())
    return idp


def start(client, email: str = ANNA) -> str:
    """Enter the address on our login page; returns the IdP's SSO URL with our AuthnRequest."""
    response = client.post(reverse("login"), {"username": email, "password": ""})
    response = client.get(handover_target(response))
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def post_to_us(client, action: str, fields: dict):
    """The IdP's auto-submitting form arrives at our ACS; its hand-over page completes."""
    response = client.post(action, fields)
    if response.status_code != 200 or 'http-equiv="refresh"' not in response.content.decode():
        return response
    return client.get(handover_target(response))


def full_sign_in(client, login: str, email: str = ANNA, *, mfa: bool = False):
    action, fields = sign_in_at_saml_idp(start(client, email), login, mfa=mfa)
    return post_to_us(client, action, fields)


def assert_refused(response):
    assert response.status_code == 400
    assert "nicht gelungen" in response.content.decode() or "nicht anmelden" in (
        response.content.decode()
    )


def test_our_metadata_tells_the_idp_where_to_answer_and_that_assertions_must_be_signed(
    client, koeln_saml
):
    response = client.get(reverse("saml_metadata", args=["koeln"]))

    assert response["Content-Type"] == "application/samlmetadata+xml"
    xml = response.content.decode()
    assert 'entityID="http://testserver/konto/anmelden/sso/koeln/saml/metadata/"' in xml
    assert 'WantAssertionsSigned="true"' in xml
    assert 'Location="http://testserver/konto/anmelden/sso/koeln/saml/acs/"' in xml


def test_employee_signs_in_through_saml_and_lands_in_mapped_unit(client, koeln_saml, amt_b):
    redirect_url = start(client)
    assert redirect_url.startswith(koeln_saml.saml_metadata_url.replace("/metadata", "/sso/"))
    assert "SAMLRequest=" in redirect_url

    response = full_sign_in(client, "anna")

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email=ANNA)
    assert (user.full_name, user.verified_name, user.name_source) == (
        "Anna Schmidt",
        "Anna Schmidt",
        "idp",
    )
    membership = Membership.objects.get(user=user)
    assert membership.organisation == amt_b and membership.role == Membership.Role.LEARNER
    assert [p.name for p in membership.job_profiles.all()] == ["Sachbearbeitung Bürgerservice"]
    assert SsoIdentity.objects.get(user=user).subject == "S-1-5-21-anna"
    assert signed_in_user(client) == user


def test_assertion_meant_for_another_application_is_refused(client, koeln_saml, saml_server):
    saml_server.audience = "https://andere-anwendung.example/saml"

    assert_refused(full_sign_in(client, "anna"))
    assert signed_in_user(client) is None
    assert not User.objects.filter(email=ANNA).exists()


def test_expired_assertion_is_refused(client, koeln_saml, saml_server):
    saml_server.lifetime_minutes = -10  # NotOnOrAfter ten minutes ago (beyond 60 s slack)

    assert_refused(full_sign_in(client, "anna"))
    assert signed_in_user(client) is None


def test_assertion_altered_after_signing_is_refused(client, koeln_saml, amt_b):
    """A learner rewrites their own signed assertion to say they are the HR officer."""
    make_member(amt_b, email="petra.personal@stadt-koeln.de", role=Membership.Role.HR)
    action, fields = sign_in_at_saml_idp(start(client), "anna")
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert ANNA in xml
    fields["SAMLResponse"] = base64.b64encode(
        xml.replace(ANNA, "petra.personal@stadt-koeln.de").encode()
    ).decode()

    assert_refused(post_to_us(client, action, fields))
    assert signed_in_user(client) is None


def test_replayed_response_is_refused(client, koeln_saml):
    action, fields = sign_in_at_saml_idp(start(client), "anna")
    assert post_to_us(client, action, fields).status_code == 302
    client.post(reverse("logout"))

    assert_refused(post_to_us(client, action, fields))
    assert signed_in_user(client) is None


def test_response_cannot_sign_in_a_browser_that_did_not_ask(client, koeln_saml, django_user_model):
    """Login CSRF: an attacker's own valid response, posted from a victim's browser."""
    from django.test import Client

    attacker = Client()
    action, fields = sign_in_at_saml_idp(start(attacker), "anna")

    assert_refused(post_to_us(client, action, fields))
    assert signed_in_user(client) is None


def test_idp_cannot_sign_in_an_address_of_another_municipality(client, koeln_saml, learner_a):
    response = full_sign_in(client, "fremd")

    assert response.status_code == 400
    assert "bonn.de" in response.content.decode()
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="sachbearbeitung@bonn.de").exists()


def test_idp_down_gives_clear_message_and_password_form(client, koeln_saml):
    koeln_saml.saml_metadata_url = "http://127.0.0.1:9/metadata"  # nothing listens there
    koeln_saml.save()

    response = client.get(handover_target(client.post(reverse("login"), {"username": ANNA})))

    assert response.status_code == 503
    assert "nicht möglich" in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_hr_via_saml_must_set_up_second_factor(client, koeln_saml, settings):
    settings.MFA_REQUIRED = True
    koeln_saml.mfa_from_idp = True
    koeln_saml.save()

    full_sign_in(client, "personal", "petra.personal@stadt-koeln.de", mfa=False)

    user = User.objects.get(email="petra.personal@stadt-koeln.de")
    assert user.full_name == "Petra Personal"
    assert Membership.objects.get(user=user).role == Membership.Role.HR
    response = client.get(reverse("hr_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_setup"))


def test_second_factor_in_the_authn_context_of_a_trusted_idp_counts(client, koeln_saml, settings):
    settings.MFA_REQUIRED = True
    koeln_saml.mfa_from_idp = True
    koeln_saml.save()

    full_sign_in(client, "personal", "petra.personal@stadt-koeln.de", mfa=True)

    response = client.get(reverse("hr_home"), follow=True)
    assert response.status_code == 200
    assert "/zweiter-faktor/" not in response.wsgi_request.path


def test_saml_idp_needs_metadata_and_pasted_metadata_must_parse(gemeinde_b):
    from django.core.exceptions import ValidationError

    idp = IdentityProvider(
        name="Kreis", slug="kreis", protocol="saml", email_domains="kreis-beispiel.de"
    )
    with pytest.raises(ValidationError) as missing:
        idp.full_clean()
    assert "saml_metadata_url" in missing.value.message_dict

    idp.saml_metadata_xml = "<kein>Metadaten</kein>"
    with pytest.raises(ValidationError) as broken:
        idp.full_clean()
    assert "saml_metadata_xml" in broken.value.message_dict


def test_pasted_metadata_file_works_like_the_url(client, koeln_saml, saml_server):
    import requests

    koeln_saml.saml_metadata_xml = requests.get(saml_server.metadata_url, timeout=10).text
    koeln_saml.saml_metadata_url = ""
    koeln_saml.full_clean()
    koeln_saml.save()

    assert full_sign_in(client, "anna").status_code == 302
    assert signed_in_user(client).email == ANNA


# --- signed requests and single logout (an SP key pair configured) -------------------------


@pytest.fixture
def signing_sp(settings, tmp_path):
    """The operator configured the SP's key pair (SAML_SP_KEY_FILE/_CERT_FILE)."""
    from tests.peers.saml_idp import _self_signed

    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = _self_signed(tmp_path)


@pytest.fixture
def koeln_saml_signed(signing_sp, koeln_saml, saml_server):
    saml_server.require_signed_requests = True  # as ADFS does for a relying party with a cert
    return koeln_saml


def test_with_a_key_our_metadata_offers_single_logout_and_a_signing_certificate(
    client, koeln_saml_signed
):
    xml = client.get(reverse("saml_metadata", args=["koeln"])).content.decode()
    assert 'AuthnRequestsSigned="true"' in xml
    assert "<ns1:X509Certificate>" in xml or "X509Certificate>" in xml
    assert 'Location="http://testserver/konto/anmelden/sso/koeln/saml/sls/"' in xml


def test_signed_request_signs_in_and_logout_ends_the_session_at_the_idp_too(
    client, koeln_saml_signed, saml_server
):
    import requests

    redirect_url = start(client)
    assert "SigAlg=" in redirect_url and "Signature=" in redirect_url
    action, fields = sign_in_at_saml_idp(redirect_url, "anna")  # the IdP verified the signature
    assert post_to_us(client, action, fields).status_code == 302
    assert signed_in_user(client).email == ANNA

    to_idp = handover_target(client.post(reverse("logout")))
    assert signed_in_user(client) is None  # signed out here at once
    assert to_idp.startswith(f"{saml_server.base_url}/slo/redirect?SAMLRequest=")
    back = requests.get(to_idp, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    assert saml_server.logged_out == ["S-1-5-21-anna"]
    response = client.get(back.headers["Location"].replace("http://testserver", ""), follow=True)
    assert "auch bei Stadt Köln" in response.content.decode()
    # the same answer again confirms nothing
    again = client.get(back.headers["Location"].replace("http://testserver", ""), follow=True)
    assert "nicht bestätigt" in again.content.decode()


def test_without_a_key_requests_are_unsigned_and_an_idp_requiring_signatures_refuses(
    client, koeln_saml, saml_server
):
    import requests

    saml_server.require_signed_requests = True
    redirect_url = start(client)
    assert "Signature=" not in redirect_url
    assert requests.get(redirect_url, timeout=10).status_code == 403


# --- single logout started at the IdP ---------------------------------------------------------


def _idp_starts_logout(saml_server, subject: str) -> str:
    """The person signs out at their administration: the IdP sends the browser to our single
    logout service with its signed LogoutRequest; returns that URL (path and query)."""
    import requests

    sp = "http://testserver" + reverse("saml_metadata", args=["koeln"])
    started = requests.get(
        f"{saml_server.base_url}/slo/initiate",
        params={"sp": sp, "subject": subject},
        allow_redirects=False,
        timeout=10,
    )
    assert started.status_code == 302, started.text
    location = started.headers["Location"]
    assert location.startswith("http://testserver/konto/anmelden/sso/koeln/saml/sls/?SAMLRequest=")
    return location.replace("http://testserver", "")


def _answer_reaches_idp(response, saml_server):
    import requests

    assert response.status_code == 302
    assert response["Location"].startswith(f"{saml_server.base_url}/slo/redirect?SAMLResponse=")
    assert requests.get(response["Location"], timeout=10).status_code == 200
    return saml_server.logout_answers[-1]


def test_signing_out_at_the_idp_ends_the_session_here(client, koeln_saml_signed, saml_server):
    """Found: only logouts started here worked; a person who signed out at their
    administration stayed signed in here."""
    full_sign_in(client, "anna")
    assert signed_in_user(client).email == ANNA

    response = client.get(_idp_starts_logout(saml_server, "S-1-5-21-anna"))
    assert signed_in_user(client) is None
    status, signed = _answer_reaches_idp(response, saml_server)
    assert status == "urn:oasis:names:tc:SAML:2.0:status:Success" and signed


def test_a_logout_request_for_someone_else_leaves_this_session(
    client, koeln_saml_signed, saml_server
):
    full_sign_in(client, "anna")
    response = client.get(_idp_starts_logout(saml_server, "S-1-5-21-bernd"))
    assert signed_in_user(client).email == ANNA
    status, _signed = _answer_reaches_idp(response, saml_server)
    assert status == "urn:oasis:names:tc:SAML:2.0:status:Success"


def test_a_forged_or_unsigned_logout_request_signs_nobody_out(
    client, koeln_saml_signed, saml_server
):
    full_sign_in(client, "anna")
    url = _idp_starts_logout(saml_server, "S-1-5-21-anna")
    path, query = url.split("?", 1)
    fields = dict(pair.split("=", 1) for pair in query.split("&"))
    forged = dict(fields, Signature=fields["Signature"][:-8] + "AAAAAAA%3D")
    unsigned = {k: v for k, v in fields.items() if k not in ("Signature", "SigAlg")}
    for tampered in (forged, unsigned):
        response = client.get(path + "?" + "&".join(f"{k}={v}" for k, v in tampered.items()))
        assert response.status_code == 400
        assert "nicht überprüft werden" in response.content.decode()
        assert signed_in_user(client).email == ANNA
    assert saml_server.logout_answers == []


def test_an_idp_without_a_logout_service_still_signs_the_person_out_here(
    client, koeln_saml_signed, saml_server
):
    """Its metadata names no single logout service to answer to: the session still ends and
    the browser goes to our home page (it was an error page)."""
    import re

    import requests

    full_sign_in(client, "anna")
    metadata = requests.get(saml_server.metadata_url, timeout=10).text
    koeln_saml_signed.saml_metadata_xml = re.sub(
        r"<(?:\w+:)?SingleLogoutService[^>]*/>", "", metadata
    )
    koeln_saml_signed.saml_metadata_url = ""
    koeln_saml_signed.save()
    cache.clear()  # the fetched metadata

    response = client.get(_idp_starts_logout(saml_server, "S-1-5-21-anna"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user(client) is None
