"""Single sign-on through a municipality's OpenID Connect provider, against a real one.

The IdP is the npm package ``oidc-provider`` (OpenID Certified) started on 127.0.0.1; the
browser's part (the IdP's login form, cookies, redirects) is played by ``requests``, ours by
Django's test client. Nothing of the protocol is mocked: where a test needs a bad token, it
takes a real one from the real IdP and spoils it the way an attacker or a broken IdP would.
"""

import base64
import types
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from django.urls import reverse

from lms.models import IdentityProvider, Membership, SsoIdentity, User
from tests.factories import make_member, map_koeln_directory
from tests.peers.oidc import (
    OidcProvider,
    oidc_provider_available,
    return_from_idp,
    sign_in_at_idp,
)

pytestmark = pytest.mark.skipif(
    not oidc_provider_available(), reason="node and npm oidc-provider are needed (npm ci)"
)

CLIENT_ID = "kommunal-campus"
CLIENT_SECRET = "campus-geheimnis-0123456789abcdef0123456789abcdef"
OTHER_ID = "andere-anwendung"
OTHER_SECRET = "andere-geheimnis-0123456789abcdef0123456789abcdef"
ACCOUNTS = {
    "anna": {
        "email": "anna.schmidt@stadt-koeln.de",
        "name": "Anna Schmidt",
        "department": "Kundenzentren",
        "groups": ["bürgerservice"],
    },
    "personal": {
        "email": "petra.personal@stadt-koeln.de",
        "given_name": "Petra",
        "family_name": "Personal",
        "groups": ["personalamt"],
    },
    # Köln's directory vouching for a Bonn address: never accepted.
    "fremd": {"email": "sachbearbeitung@bonn.de", "name": "Jemand aus Bonn"},
}


@pytest.fixture(scope="module")
def idp_server():
    clients = [
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        {"client_id": OTHER_ID, "client_secret": OTHER_SECRET},
    ]
    with OidcProvider(clients, ACCOUNTS) as server:
        yield server


def register_koeln(issuer: str, gemeinde):
    """Köln's IdP as its IT department registers it (docs/sso-einrichten.md)."""
    idp = IdentityProvider.objects.create(
        name="Stadt Köln",
        slug="koeln",
        email_domains="stadt-koeln.de",
        issuer_url=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    idp.organisations.add(gemeinde)
    return idp


@pytest.fixture
def koeln_idp(idp_server, gemeinde_b, amt_b):
    idp = register_koeln(idp_server.issuer, gemeinde_b)
    map_koeln_directory(idp, amt_b)
    return idp


def start(client, email: str) -> str:
    """Enter the address on our login page; returns the IdP's authorization URL."""
    response = client.post(reverse("login"), {"username": email, "password": ""})
    assert response.status_code == 200, response.content[:500]
    response = client.get(handover_target(response))
    assert response.status_code == 302
    return response["Location"]


def handover_target(response) -> str:
    """Where the hand-over page (an immediate refresh, see lms.views.sso) sends the browser."""
    html = response.content.decode()
    assert 'http-equiv="refresh"' in html
    return html.split('content="0;url=', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def full_sign_in(client, email: str, login: str, *, mfa: bool = False):
    return come_back(client, sign_in_at_idp(start(client, email), login, mfa=mfa))


def signed_in_user(client):
    response = client.get(reverse("profile"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_employee_signs_in_with_directory_account_and_lands_in_mapped_unit(
    client, koeln_idp, amt_b
):
    authorize_url = start(client, "anna.schmidt@stadt-koeln.de")
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(koeln_idp.issuer_url)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["nonce"] and query["state"]
    assert query["login_hint"] == ["anna.schmidt@stadt-koeln.de"]

    response = come_back(client, sign_in_at_idp(authorize_url, "anna"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="anna.schmidt@stadt-koeln.de")
    assert user.full_name == "Anna Schmidt"
    assert (user.verified_name, user.name_source) == ("Anna Schmidt", "idp")  # certificates
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.organisation == amt_b
    assert membership.role == Membership.Role.LEARNER
    assert [p.name for p in membership.job_profiles.all()] == ["Sachbearbeitung Bürgerservice"]
    assert SsoIdentity.objects.get(user=user).subject == "anna"
    assert signed_in_user(client) == user


def test_person_is_matched_by_subject_when_the_mailbox_was_renamed(client, koeln_idp, amt_b):
    person = make_member(amt_b, email="a.schmidt-alt@stadt-koeln.de", full_name="Anna Alt")
    SsoIdentity.objects.create(identity_provider=koeln_idp, user=person, subject="anna")

    full_sign_in(client, "anna.schmidt@stadt-koeln.de", "anna")

    person.refresh_from_db()
    assert person.email == "anna.schmidt@stadt-koeln.de"
    assert person.full_name == "Anna Schmidt"
    assert User.objects.filter(email__iendswith="@stadt-koeln.de").count() == 1


def test_idp_cannot_sign_in_or_take_over_an_address_of_another_municipality(
    client, koeln_idp, amt_a
):
    bonn_person = make_member(amt_a, email="sachbearbeitung@bonn.de")
    # The person types a Köln address, but Köln's IdP answers for a Bonn account.
    response = full_sign_in(client, "irgendwer@stadt-koeln.de", "fremd")

    assert response.status_code == 400
    assert "bonn.de" in response.content.decode() and "Domains" in response.content.decode()
    assert signed_in_user(client) is None
    assert not SsoIdentity.objects.exists()
    assert not User.objects.filter(full_name="Jemand aus Bonn").exists()
    assert list(
        Membership.objects.filter(user=bonn_person).values_list("organisation", flat=True)
    ) == [amt_a.pk]


def test_replayed_callback_is_refused(client, koeln_idp):
    callback = sign_in_at_idp(start(client, "anna.schmidt@stadt-koeln.de"), "anna")
    assert come_back(client, callback).status_code == 302
    client.post(reverse("logout"))

    response = come_back(client, callback)

    assert response.status_code == 400
    assert signed_in_user(client) is None


def _our_authorization(client):
    url = start(client, "anna.schmidt@stadt-koeln.de")
    return url, parse_qs(urlsplit(url).query)


def _token_for(issuer: str, client_id: str, secret: str, nonce: str) -> dict:
    """A real token response of the real IdP for ``client_id`` (another relying party)."""
    session = OAuth2Session(
        client_id,
        secret,
        scope="openid email profile",
        redirect_uri="http://testserver/callback",
        code_challenge_method="S256",
    )
    from authlib.common.security import generate_token

    verifier = generate_token(48)
    url, _state = session.create_authorization_url(
        f"{issuer}/auth", nonce=nonce, code_verifier=verifier
    )
    callback = sign_in_at_idp(url, "anna")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    return session.fetch_token(f"{issuer}/token", code=code, code_verifier=verifier)


def _answer_with(monkeypatch, token: dict):
    """The token endpoint's answer replaced by ``token`` (as a broken or hostile IdP would)."""
    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", lambda self, **kw: dict(token))


def _return_to_us(client, query):
    """The IdP's redirect back to us for the authorization started in ``query``."""
    return client.get(
        reverse("sso_callback", args=["koeln"]), {"code": "x", "state": query["state"][0]}
    )


def test_id_token_for_another_application_is_refused(client, koeln_idp, monkeypatch):
    url, query = _our_authorization(client)
    token = _token_for(koeln_idp.issuer_url, OTHER_ID, OTHER_SECRET, query["nonce"][0])
    _answer_with(monkeypatch, token)

    response = _return_to_us(client, query)

    assert response.status_code == 400
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="anna.schmidt@stadt-koeln.de").exists()


def test_id_token_with_a_broken_signature_is_refused(client, koeln_idp, monkeypatch):
    url, query = _our_authorization(client)
    token = _token_for(koeln_idp.issuer_url, CLIENT_ID, CLIENT_SECRET, query["nonce"][0])
    header, payload, signature = token["id_token"].split(".")
    claims = base64.urlsafe_b64decode(payload + "==")
    assert b'"sub":"anna"' in claims
    claims = claims.replace(b'"sub":"anna"', b'"sub":"personal"')  # become someone else
    forged = base64.urlsafe_b64encode(claims).rstrip(b"=").decode()
    _answer_with(monkeypatch, {**token, "id_token": f"{header}.{forged}.{signature}"})

    response = _return_to_us(client, query)

    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_expired_id_token_is_refused(client, koeln_idp, monkeypatch):
    url, query = _our_authorization(client)
    token = _token_for(koeln_idp.issuer_url, CLIENT_ID, CLIENT_SECRET, query["nonce"][0])
    _answer_with(monkeypatch, token)
    import time

    import joserfc._rfc7519.claims as jwt_claims

    two_hours_later = types.SimpleNamespace(time=lambda: time.time() + 2 * 3600)
    monkeypatch.setattr(jwt_claims, "time", two_hours_later)

    response = _return_to_us(client, query)

    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_control_the_unspoilt_token_is_accepted(client, koeln_idp, monkeypatch):
    """The three refusals above are refusals of the spoilt part, not of the way of testing."""
    url, query = _our_authorization(client)
    token = _token_for(koeln_idp.issuer_url, CLIENT_ID, CLIENT_SECRET, query["nonce"][0])
    _answer_with(monkeypatch, token)

    response = _return_to_us(client, query)

    assert response.status_code == 302
    assert signed_in_user(client).email == "anna.schmidt@stadt-koeln.de"


def test_idp_down_gives_clear_message_and_password_login_still_works(client, koeln_idp, amt_b):
    koeln_idp.issuer_url = "http://127.0.0.1:9"  # nothing listens there
    koeln_idp.save()
    make_member(amt_b, email="mit.passwort@stadt-koeln.de", password="Ein-sicheres-Passwort-42")
    admin = User.objects.create_superuser(
        email="notfall-admin@stadt-koeln.de", password="Notfall-Zugang-2026!", full_name="Admin"
    )

    to_idp = handover_target(client.post(reverse("login"), {"username": "x@stadt-koeln.de"}))
    response = client.get(to_idp)

    assert response.status_code == 503
    assert "nicht möglich" in response.content.decode()
    assert 'name="password"' in response.content.decode()
    response = client.post(
        reverse("login"),
        {"username": "mit.passwort@stadt-koeln.de", "password": "Ein-sicheres-Passwort-42"},
    )
    assert response.status_code == 302 and signed_in_user(client) is not None
    client.post(reverse("logout"))
    client.post(
        reverse("login"),
        {"username": "notfall-admin@stadt-koeln.de", "password": "Notfall-Zugang-2026!"},
    )
    assert signed_in_user(client) == admin


def test_hr_via_sso_must_set_up_second_factor(client, koeln_idp, settings):
    settings.MFA_REQUIRED = True
    full_sign_in(client, "petra.personal@stadt-koeln.de", "personal")

    user = User.objects.get(email="petra.personal@stadt-koeln.de")
    assert user.full_name == "Petra Personal"
    assert Membership.objects.get(user=user).role == Membership.Role.HR
    response = client.get(reverse("hr_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))


def test_second_factor_asserted_by_a_trusted_idp_counts(client, koeln_idp, settings):
    settings.MFA_REQUIRED = True
    koeln_idp.mfa_from_idp = True
    koeln_idp.save()

    full_sign_in(client, "petra.personal@stadt-koeln.de", "personal", mfa=True)

    response = client.get(reverse("hr_home"), follow=True)
    assert response.status_code == 200
    assert "/zweiter-faktor/" not in response.wsgi_request.path


def test_without_the_idp_saying_so_a_trusted_idp_still_needs_a_factor(client, koeln_idp, settings):
    settings.MFA_REQUIRED = True
    koeln_idp.mfa_from_idp = True
    koeln_idp.save()

    full_sign_in(client, "petra.personal@stadt-koeln.de", "personal", mfa=False)

    response = client.get(reverse("hr_home"))
    assert response["Location"].startswith(reverse("mfa_setup"))


def test_address_without_sso_is_asked_for_its_password(client, koeln_idp, learner_a):
    response = client.post(reverse("login"), {"username": learner_a.email, "password": ""})
    assert response.status_code == 200
    assert "Bitte geben Sie Ihr Passwort ein." in response.content.decode()

    response = client.post(reverse("login"), {"username": learner_a.email, "sso": "1"})
    assert response.status_code == 200
    assert "keine Anmeldung über" in response.content.decode()


def test_logout_ends_the_session_at_the_idp_too(client, koeln_idp):
    full_sign_in(client, "anna.schmidt@stadt-koeln.de", "anna")

    response = client.post(reverse("logout"))

    target = handover_target(response)
    assert target.startswith(f"{koeln_idp.issuer_url}/session/end")
    assert "id_token_hint=" in target
    assert signed_in_user(client) is None
    assert requests.get(target, timeout=10).status_code == 200


ANNA = "anna.schmidt@stadt-koeln.de"


def test_a_code_that_expired_in_the_queue_starts_the_sign_in_once_more(client, gemeinde_b, amt_b):
    """Found by the login storm: when thousands sign in at once, a return can wait longer in
    the server's queue than the IdP keeps its authorization code valid, and the person got
    "did not succeed". Now the sign-in starts once more; the IdP's session is still open, so
    the person is back at once, signed in. A second expiry shows the message."""
    import time

    clients = [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]
    with OidcProvider(clients, ACCOUNTS, code_ttl=1) as server:
        register_koeln(server.issuer, gemeinde_b)
        idp_session = requests.Session()
        back = sign_in_at_idp(start(client, ANNA), "anna", session=idp_session)
        time.sleep(2.5)  # the code expires while the return waits

        response = come_back(client, back)
        assert response.status_code == 302 and signed_in_user(client) is None
        again = client.get(response["Location"])  # our sign-in starts once more …
        assert again["Location"].startswith(server.issuer)
        response = come_back(client, return_from_idp(again["Location"], idp_session))
        assert response.status_code == 302  # … and the IdP sends the person straight back
        assert signed_in_user(client).email == ANNA

        client.post(reverse("logout"))  # here only: the IdP's session stays open
        back = return_from_idp(start(client, ANNA), idp_session)
        time.sleep(2.5)
        again = client.get(come_back(client, back)["Location"])
        back = return_from_idp(again["Location"], idp_session)
        time.sleep(2.5)  # expired a second time: the message, not a loop
        response = come_back(client, back)
        assert response.status_code == 400
        assert "nicht gelungen" in response.content.decode()
