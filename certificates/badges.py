"""Open Badges 3.0: each certificate as an ``OpenBadgeCredential`` (a W3C Verifiable
Credential), secured as a VC-JWT signed with the platform key (RS256, or ES256 for an EC key).

Verify one: split the JWT at the dots, base64url-decode the header, fetch the public key from
``/zertifikate/jwks.json`` (its ``kid`` matches the header's), and check the RS256/ES256
signature over ``header.payload``; the payload's ``vc`` claim is the credential. Any JOSE
library does this (e.g. ``jwt.decode(token, key, algorithms=["RS256"])`` with PyJWT).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.conf import settings

from .models import Certificate
from .rendering import load_platform_signer

OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _private_key():
    return load_platform_signer()._private_key


def platform_jwk() -> dict:
    """The public half of the platform key as a JWK, with a thumbprint-style ``kid``."""
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


def _instant(day) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_badge_credential(certificate: Certificate) -> dict:
    """The unsigned OpenBadgeCredential: achievement = the course, subject = the learner."""
    site = settings.SITE_URL
    credential = {
        "@context": OB_CONTEXT,
        "id": certificate.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": site,
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": site,
        },
        "validFrom": _instant(certificate.issued_on),
        "name": certificate.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.learner_name,
                }
            ],
            "achievement": {
                "id": f"{site}/zertifikate/kurse/{certificate.course_id}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.course_title,
                "description": certificate.wording,
                "criteria": {
                    "narrative": "Alle Pflichtlektionen abgeschlossen und die Abschlussprüfung "
                    "bestanden."
                },
                "creator": {"id": site, "type": ["Profile"], "name": certificate.issuer_name},
            },
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
        credential["validUntil"] = _instant(certificate.valid_until)
    return credential


def open_badge_jwt(certificate: Certificate) -> str:
    """The credential as a compact JWS (VC-JWT): registered claims plus ``vc``."""
    jwk = platform_jwk()
    credential = open_badge_credential(certificate)
    header = {"alg": jwk["alg"], "typ": "JWT", "kid": jwk["kid"]}
    payload = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": f"urn:kommunal-campus:certificate:{certificate.serial}",
        "nbf": int(datetime.combine(certificate.issued_on, time(0, 0), tzinfo=UTC).timestamp()),
        "vc": credential,
    }
    if certificate.valid_until:
        payload["exp"] = int(
            datetime.combine(certificate.valid_until, time(0, 0), tzinfo=UTC).timestamp()
        )
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
