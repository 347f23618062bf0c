"""Open Badges 3.0 as § 8 of the specification asks, checked as an outside verifier would:
from the token alone, following the URLs inside it, with libraries written by others."""

import gzip
import hashlib
import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from certificates import badges, services
from certificates.models import Certificate
from tests.certificates.conftest import b64url_decode as _b64decode
from tests.certificates.conftest import complete_course

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tests" / "peers" / "verify_badge.mjs"


def _parts(token: str) -> tuple[dict, dict]:
    header, payload, _signature = token.split(".")
    return json.loads(_b64decode(header)), json.loads(_b64decode(payload))


@pytest.mark.django_db
def test_the_badge_jwt_is_the_credential_with_mirrored_claims(client, issued, learner_a):
    client.force_login(learner_a)
    token = client.get(reverse("certificate_badge", args=[issued.pk])).content.decode()
    header, payload = _parts(token)
    assert "vc" not in payload  # VCDM 2.0: the payload is the credential
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = payload["credentialSubject"]
    assert payload["sub"] == subject["id"] and subject["id"].startswith("urn:uuid:")
    assert payload["iss"] == payload["issuer"]["id"] == badges.issuer_url()
    assert payload["jti"] == payload["id"] == issued.verify_url
    assert header["kid"] == badges.key_url() and header["kid"].startswith("http")
    assert payload["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"
    status = payload["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(issued.pk)


@pytest.mark.django_db
def test_a_badge_issued_just_after_german_midnight_is_valid_at_once(issued, settings):
    """Found at 0:12 German time (23:12 UTC): ``nbf`` was midnight UTC of the German issue day,
    an hour in the future, and the outside verifier refused the badge as not yet valid.
    A certificate is valid through its last day, so the credential ends when the next begins."""
    settings.TIME_ZONE = "Europe/Berlin"
    issued.issued_on, issued.valid_until = date(2026, 12, 5), date(2029, 3, 31)
    _header, payload = _parts(badges.open_badge_jwt(issued))
    assert payload["validFrom"] == "2026-12-04T23:00:00Z"  # 0:00 CET
    assert payload["nbf"] == int(datetime(2026, 12, 4, 23, 0, tzinfo=UTC).timestamp())
    assert payload["validUntil"] == "2029-03-31T22:00:00Z"  # 1 April, 0:00 CEST
    assert payload["exp"] == int(datetime(2029, 3, 31, 22, 0, tzinfo=UTC).timestamp())


@pytest.mark.django_db
def test_the_recipient_is_a_salted_email_hash_and_the_verified_name(client, issued, learner_a):
    """An employer who knows the address can check it; the badge does not reveal it."""
    client.force_login(learner_a)
    credential = client.get(
        reverse("certificate_badge", args=[issued.pk]), {"format": "json"}
    ).json()
    identities = {i["identityType"]: i for i in credential["credentialSubject"]["identifier"]}
    email = identities["emailAddress"]
    assert email["hashed"] is True and len(email["salt"]) == 16
    expected = hashlib.sha256((learner_a.email.lower() + email["salt"]).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${expected}"
    assert learner_a.email not in json.dumps(credential)
    assert identities["name"]["identityHash"] == issued.learner_name


@pytest.mark.django_db
def test_the_urls_in_a_badge_resolve(client, issued):
    jwk = client.get(badges.key_url().removeprefix("http://testserver")).json()
    assert jwk["kid"] == badges.platform_jwk()["kid"] and "d" not in jwk  # public half only
    assert client.get("/.well-known/jwks.json").json()["keys"] == [jwk]
    assert client.get(reverse("certificate_key", args=["unbekannt"])).status_code == 404
    profile = client.get(reverse("certificate_issuer")).json()
    assert profile["type"] == ["Profile"] and profile["id"] == badges.issuer_url()
    achievement = client.get(reverse("certificate_achievement", args=[issued.course_id])).json()
    assert achievement["name"] == issued.course_title
    assert client.get(reverse("certificate_achievement", args=[999999])).status_code == 404
    assert client.get(reverse("certificate_status_list", args=[0])).status_code == 200
    assert client.get(reverse("certificate_status_list", args=[1])).status_code == 404


@pytest.mark.django_db
def test_a_revoked_certificate_is_the_one_bit_set_in_the_status_list(issued, hr_a):
    assert badges.revoked_indexes(0) == []
    services.certificate_revoke(certificate=issued, by=hr_a, reason="Prüfung wiederholt")
    assert badges.revoked_indexes(0) == [issued.pk]
    bits = gzip.decompress(_b64decode(badges.encoded_list(badges.revoked_indexes(0))[1:]))
    assert len(bits) * 8 == badges.STATUS_LIST_BITS  # 16 KiB: herd privacy
    set_bits = [i for i in range(badges.STATUS_LIST_BITS) if bits[i // 8] & (0x80 >> (i % 8))]
    assert set_bits == [issued.pk]


@pytest.fixture
def badge_from_live_site(
    transactional_db,
    wagtail_site,
    live_server,
    settings,
    client,
    learner_a,
    course,
    django_capture_on_commit_callbacks,
):
    """A learner completes a course on a live site and downloads the badge, whose URLs an
    outside verifier can follow: (certificate, VC-JWT)."""
    settings.SITE_URL = live_server.url
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete_course(learner_a, course)
    certificate = Certificate.objects.get(enrolment=enrolment)
    client.force_login(learner_a)
    token = client.get(reverse("certificate_badge", args=[certificate.pk])).content.decode()
    return certificate, token


def _outside_verifier(token: str) -> dict:
    result = subprocess.run(  # noqa: S603 (our own verifier script, fixed arguments)
        [shutil.which("node"), str(VERIFIER), token],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(
    not shutil.which("node") or not (ROOT / "node_modules" / "jose").is_dir(),
    reason="needs node and `npm ci` (jose)",
)
def test_an_outside_verifier_accepts_the_badge_and_sees_its_revocation(badge_from_live_site, hr_a):
    """A wallet imports the badge: signature, key, issuer, achievement and status all come from
    the URLs in the token. After HR revokes the certificate, the same token checks as revoked."""
    certificate, token = badge_from_live_site

    findings = _outside_verifier(token)
    assert findings == {
        "signature": "valid",
        "kid": badges.key_url(),
        "subMatchesSubject": True,
        "issMatchesIssuer": True,
        "jtiMatchesId": True,
        "nbfMatchesValidFrom": True,
        "hasVcClaim": False,
        "types": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuerProfile": True,
        "achievementResolves": True,
        "statusListSigned": True,
        "revoked": False,
    }
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Täuschungsversuch")
    assert _outside_verifier(token)["revoked"] is True


def test_a_second_outside_verifier_accepts_the_badge_and_sees_its_revocation(
    badge_from_live_site, hr_a
):
    """openbadgeslib (PyPI, an Open Badges 3.0 library written by others) verifies the VC-JWT
    with the key its ``kid`` URL serves, the credential's structure and validity window, the
    recipient, and the revocation bit in the signed status list it fetches from the URL."""
    import jwt
    import requests
    from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

    certificate, token = badge_from_live_site
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(requests.get(kid, timeout=10).json()).key  # what the kid URL serves
    verifier = OB3Verifier(key)

    def fetch(url: str) -> bytes:
        return requests.get(url, timeout=10).content

    credential = verifier.verify(
        token,
        expected_recipient=badges.subject_id(certificate),
        check_status=True,
        download=fetch,
    )
    assert credential.issuer.id == badges.issuer_url()
    services.certificate_revoke(certificate=certificate, by=hr_a, reason="Täuschungsversuch")
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        verifier.verify(token, check_status=True, download=fetch)
