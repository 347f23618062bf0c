"""The learner's certificates: list, download, share link, Open Badge, dashboard section."""

import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.files.storage import default_storage
from django.urls import reverse

from certificates import services
from tests.certificates.conftest import b64url_decode as _b64decode
from tests.certificates.conftest import make_completed_enrolment
from tests.factories import UserFactory


def _login(client, user):
    client.force_login(user)


def test_certificate_list_shows_download_and_share_link(client, issued, learner_a):
    """'Meine Zertifikate' lists the certificate with a download and the verify URL to share."""
    _login(client, learner_a)
    html = client.get(reverse("certificate_list")).content.decode()
    assert issued.serial in html
    assert reverse("certificate_download", args=[issued.pk]) in html
    assert issued.verify_url in html


def test_download_returns_stored_bytes(client, issued, learner_a):
    """The download is the stored, signed PDF byte for byte."""
    _login(client, learner_a)
    response = client.get(reverse("certificate_download", args=[issued.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == default_storage.open(issued.pdf.name).read()


def test_download_of_someone_elses_certificate_is_404(client, issued):
    """Another person cannot download the certificate, nor learn that it exists."""
    _login(client, UserFactory())
    assert client.get(reverse("certificate_download", args=[issued.pk])).status_code == 404
    assert client.get(reverse("certificate_badge", args=[issued.pk])).status_code == 404


def test_open_badge_jwt_verifies_with_published_key(client, issued, learner_a):
    """The Open Badge is a signed OpenBadgeCredential that the published JWK verifies."""
    _login(client, learner_a)
    token = client.get(reverse("certificate_badge", args=[issued.pk])).content.decode()
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64decode(header_b64))
    payload = json.loads(_b64decode(payload_b64))
    jwk = client.get(reverse("certificate_jwks")).json()["keys"][0]
    assert header["alg"] == "RS256" and header["kid"].endswith("/" + jwk["kid"])
    public = rsa.RSAPublicNumbers(
        int.from_bytes(_b64decode(jwk["e"]), "big"), int.from_bytes(_b64decode(jwk["n"]), "big")
    ).public_key()
    public.verify(
        _b64decode(signature_b64),
        f"{header_b64}.{payload_b64}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    credential = payload  # the payload is the credential (OB 3.0 § 8.2, VCDM 2.0)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Vergabe kompakt"
    assert credential["id"] == issued.verify_url


def test_dashboard_lists_certificates(client, issued, learner_a):
    """'Mein Lernen' shows the certificate with a download link."""
    _login(client, learner_a)
    html = client.get(reverse("learning_dashboard")).content.decode()
    assert issued.serial in html and reverse("certificate_download", args=[issued.pk]) in html


@pytest.mark.parametrize("count", [1, 6])
def test_certificate_list_query_count_is_constant(
    client, learner_a, course, count, django_assert_num_queries
):
    """The list costs the same number of queries for one certificate or six."""
    for cycle in range(1, count + 1):
        services.certificate_issue(enrolment=make_completed_enrolment(learner_a, course, cycle))
    _login(client, learner_a)
    with django_assert_num_queries(3):  # session, user, certificates
        response = client.get(reverse("certificate_list"))
    assert response.content.decode().count('<li class="card">') == count
