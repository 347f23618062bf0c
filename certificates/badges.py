"""Open Badges 3.0 (§ 8 of the specification): each certificate as an
``OpenBadgeCredential`` (a W3C Verifiable Credential, data model 2.0), secured as a VC-JWT
signed with the platform key (RS256, or ES256 for an EC key).

The JWT payload *is* the credential (its members at the top level) plus the registered claims
that mirror it: ``iss`` = issuer id, ``jti`` = credential id, ``sub`` = credentialSubject.id,
``nbf``/``exp`` = validFrom/validUntil. The header's ``kid`` is a URL that returns the public
key as a JWK; ``/.well-known/jwks.json`` lists it too. Everything a verifier needs is reachable
from the credential's URLs: the issuer profile, the achievement, the JSON schema and the
revocation list (a W3C Bitstring Status List, itself a signed VC-JWT), in which a revoked,
corrected (superseded) or erased certificate's bit is set.

The recipient is identified by a salted SHA-256 hash of their e-mail address (a wallet or an
employer who knows the address can check it, nobody can read it) and by the verified name.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Certificate
from .rendering import load_platform_signer

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
# W3C Bitstring Status List: the minimum size (16 KiB) gives herd privacy, so fetching the list
# says nothing about which certificate a verifier checks.
STATUS_LIST_BITS = 131_072


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _private_key():
    return load_platform_signer()._private_key


def platform_jwk() -> dict:
    """The public half of the platform key as a JWK, with a thumbprint-style ``kid`` (the
    last part of the key's URL, ``key_url``)."""
    public = _private_key().public_key()
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        jwk = {"kty": "RSA", "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}
        jwk_alg = "RS256"
    else:
        numbers = public.public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "x": _int_b64(numbers.x), "y": _int_b64(numbers.y)}
        jwk_alg = "ES256"
    thumbprint = hashlib.sha256(json.dumps(jwk, sort_keys=True, separators=(",", ":")).encode())
    return {**jwk, "alg": jwk_alg, "use": "sig", "kid": _b64(thumbprint.digest())[:16]}


def key_url(jwk: dict | None = None) -> str:
    """Where the key that signs the badges can be fetched as a JWK (the JWT header's ``kid``)."""
    return _url("certificate_key", (jwk or platform_jwk())["kid"])


def issuer_url() -> str:
    return _url("certificate_issuer")


def achievement_url(course_id) -> str:
    return _url("certificate_achievement", course_id)


def status_list_position(certificate: Certificate) -> tuple[int, int]:
    """(list number, index in that list) of the certificate's revocation bit."""
    return divmod(certificate.pk, STATUS_LIST_BITS)


def subject_id(certificate: Certificate) -> str:
    """The recipient's id in this credential: a UUID, the same for every download of the
    badge, saying nothing about the person."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, certificate.verify_url)}"


def _email_identity(certificate: Certificate) -> dict | None:
    """OB 3.0 IdentityObject: SHA-256 of the e-mail address with a salt of its own per
    certificate (derived, so every download of the badge is the same)."""
    email = (certificate.user.email or "").strip().lower()
    if not email:
        return None
    salt = hmac.new(
        settings.SECRET_KEY.encode(), f"badge-salt:{certificate.serial}".encode(), "sha256"
    ).hexdigest()[:16]
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def issuer_profile() -> dict:
    """The issuer's Profile, as ``issuer_url`` returns it."""
    return {
        "@context": OB_CONTEXT,
        "id": issuer_url(),
        "type": ["Profile"],
        "name": settings.CERTIFICATE_ISSUER_NAME,
        "url": settings.SITE_URL,
    }


def achievement(*, course_id, name: str, description: str, issuer_name: str) -> dict:
    return {
        "id": achievement_url(course_id),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": name,
        "description": description,
        "criteria": {
            "narrative": "Alle Pflichtlektionen abgeschlossen und die Abschlussprüfung bestanden."
        },
        "creator": {"id": issuer_url(), "type": ["Profile"], "name": issuer_name},
    }


def _day_start(day) -> datetime:
    """Midnight at the start of ``day`` where the platform issues (``TIME_ZONE``), in UTC.

    Found: midnight UTC made a certificate issued between 0:00 and 1:00 (2:00 in summer) German
    time "not yet valid" for an hour (``nbf`` in the future), and wallets refused it.
    """
    local = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return local.astimezone(UTC)


def _valid_from(day) -> datetime:
    return _day_start(day)


def _valid_until(day) -> datetime:
    """A certificate is valid through its last day (``Certificate.is_expired``): the credential
    ends when the next day begins."""
    return _day_start(day + timedelta(days=1))


def _instant(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def open_badge_credential(certificate: Certificate) -> dict:
    """The unsigned OpenBadgeCredential: achievement = the course, subject = the learner."""
    list_number, index = status_list_position(certificate)
    status_list = _url("certificate_status_list", list_number)
    identifiers = [
        identity
        for identity in (
            _email_identity(certificate),
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": certificate.learner_name,
            },
        )
        if identity
    ]
    credential = {
        "@context": OB_CONTEXT,
        "id": certificate.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer_url(),
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": settings.SITE_URL,
        },
        "validFrom": _instant(_valid_from(certificate.issued_on)),
        "name": certificate.course_title,
        "credentialSubject": {
            "id": subject_id(certificate),
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": achievement(
                course_id=certificate.course_id,
                name=certificate.course_title,
                description=certificate.wording,
                issuer_name=certificate.issuer_name,
            ),
        },
        "credentialSchema": [CREDENTIAL_SCHEMA],
        "credentialStatus": {
            "id": f"{status_list}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_list,
        },
        "evidence": [
            {
                "id": certificate.verify_url,
                "type": ["Evidence"],
                "name": f"Zertifikat {certificate.serial}",
            }
        ],
    }
    if certificate.valid_until:
        credential["validUntil"] = _instant(_valid_until(certificate.valid_until))
    return credential


def _signed(payload: dict) -> str:
    """A compact JWS of ``payload`` with the platform key; ``kid`` is the key's URL."""
    jwk = platform_jwk()
    header = {"alg": jwk["alg"], "typ": "JWT", "kid": key_url(jwk)}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    ).encode("ascii")
    key = _private_key()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return signing_input.decode("ascii") + "." + _b64(signature)


def open_badge_jwt(certificate: Certificate) -> str:
    """The credential as a VC-JWT (OB 3.0 § 8.2): the payload is the credential itself plus
    the registered claims that mirror it."""
    credential = open_badge_credential(certificate)
    payload = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(_valid_from(certificate.issued_on).timestamp()),
    }
    if certificate.valid_until:
        payload["exp"] = int(_valid_until(certificate.valid_until).timestamp())
    return _signed(payload)


def revoked_indexes(list_number: int) -> list[int]:
    """Indexes set in one revocation list: certificates revoked, corrected (superseded by a
    new one) or erased."""
    first = list_number * STATUS_LIST_BITS
    pks = Certificate.objects.filter(
        Q(revoked_at__isnull=False) | Q(superseded_by__isnull=False) | Q(erased_at__isnull=False),
        pk__gte=first,
        pk__lt=first + STATUS_LIST_BITS,
    ).values_list("pk", flat=True)
    return [pk - first for pk in pks]


def encoded_list(indexes) -> str:
    """Bitstring Status List encoding: bit 0 is the most significant bit of the first byte;
    GZIP, then base64url without padding, with the multibase prefix ``u``."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + _b64(gzip.compress(bytes(bits), mtime=0))


def status_list_jwt(list_number: int) -> str:
    """The signed BitstringStatusListCredential a verifier fetches from a badge's
    ``credentialStatus.statusListCredential``."""
    url = _url("certificate_status_list", list_number)
    now = timezone.now().replace(microsecond=0)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(revoked_indexes(list_number)),
        },
    }
    return _signed(
        {**credential, "iss": credential["issuer"], "jti": url, "nbf": int(now.timestamp())}
    )
