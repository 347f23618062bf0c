"""Single sign-on through a municipality's SAML 2.0 identity provider (ADFS, Shibboleth, Entra ID).

The protocol is pysaml2's (signatures verified by xmlsec1): our AuthnRequest goes out by
HTTP-Redirect, the IdP's Response comes back by HTTP-POST, and pysaml2 checks that the assertion
is signed by the key in the IdP's metadata, meant for us (audience), sent to our assertion
consumer service (recipient/destination), still valid (NotOnOrAfter, 60 s clock slack) and an
answer to a request we sent (InResponseTo). What is ours:

* Each request we send is outstanding once: the first response to it consumes it, so a replayed
  response is refused; each assertion ID is accepted once, too.
* The IdP posts across sites, where the browser withholds our session cookie (SameSite=Lax).
  The assertion consumer service therefore only validates and parks the result for two minutes;
  a hand-over page on our own site then completes the sign-in in the browser's session, and only
  if that session sent the request (no one can sign a browser in with their own assertion).
* The policy (domains, matching by subject, unit and job profiles, a second factor the IdP
  reports) is the same as for OpenID Connect: ``lms.services.sso``.
* With an SP key pair configured (``SAML_SP_KEY_FILE``/``SAML_SP_CERT_FILE``), our requests are
  signed (the HTTP-Redirect binding's query signature, RSA-SHA256), the SP metadata carries the
  certificate and a single logout service, and signing out here ends the session at the IdP
  too (SP-initiated single logout) when its metadata offers one. Without a key there is neither:
  an IdP verifies no unsigned logout request, and each node would otherwise sign with its own.
"""

import logging
import secrets
import shutil

import requests
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import IdentityProvider
from .sso import HTTP_TIMEOUT, METADATA_SECONDS, SsoRefused, unavailable

logger = logging.getLogger(__name__)

SESSION_SAML_REQUESTS = "_lms_saml_requests"
OUTSTANDING_SECONDS = 600  # a sign-in started longer ago than this must be started again
RESULT_SECONDS = 120  # a validated assertion waits this long for the hand-over page
CLOCK_SLACK_SECONDS = 60

# SAML attribute names (friendly names after pysaml2's converters, and the claim URIs of ADFS and
# Entra ID) under which directories send what OpenID Connect calls these claims.
CLAIM_ALIASES = {
    "email": (
        "mail",
        "email",
        "emailAddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
    ),
    "given_name": (
        "givenName",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
    ),
    "family_name": (
        "sn",
        "surname",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
    ),
    "name": (
        "displayName",
        "http://schemas.microsoft.com/identity/claims/displayname",
        "urn:oid:2.16.840.1.113730.3.1.241",
    ),
    "groups": (
        "memberOf",
        "isMemberOf",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        "http://schemas.xmlsoap.org/claims/Group",
    ),
    "department": (
        "ou",
        "departmentNumber",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/department",
        "urn:oid:2.5.4.11",
    ),
}
SINGLE_VALUED = ("email", "given_name", "family_name", "name")


def _refused(idp: IdentityProvider, reason: str) -> SsoRefused:
    logger.warning("SAML %s refused: %s", idp.slug, reason)
    return SsoRefused(
        _("Signing in through %(idp)s did not succeed. Please try again.") % {"idp": idp.name},
        reason,
    )


# -- metadata --------------------------------------------------------------------------------
def _idp_entity_ids(metadata_xml: str) -> list[str]:
    from saml2.attribute_converter import ac_factory
    from saml2.mdstore import InMemoryMetaData

    metadata = InMemoryMetaData(ac_factory(), metadata_xml)
    metadata.load()
    return [entity_id for entity_id, entity in metadata.items() if entity.get("idpsso_descriptor")]


def saml_metadata_problem(metadata_xml: str, entity_id: str = "") -> str:
    """Why this metadata cannot be used (for the admin form), or ``""``."""
    try:
        found = _idp_entity_ids(metadata_xml)
    except Exception:  # noqa: BLE001 (any parse error means: not usable metadata)
        return _("This is not valid SAML metadata.")
    if not found:
        return _("The metadata describes no identity provider.")
    if entity_id and entity_id not in found:
        return _("The metadata does not contain the entity ID %(entity)s.") % {"entity": entity_id}
    if not entity_id and len(found) > 1:
        return _("The metadata describes several IdPs: please give the entity ID.")
    return ""


def _metadata_xml(idp: IdentityProvider) -> str:
    """The IdP's metadata: pasted in the admin, or fetched from its URL (cached)."""
    if idp.saml_metadata_xml.strip():
        return idp.saml_metadata_xml
    key = f"saml:metadata:{idp.pk}:{idp.saml_metadata_url}"
    xml = cache.get(key)
    if xml is None:
        try:
            response = requests.get(idp.saml_metadata_url, timeout=HTTP_TIMEOUT)
            response.raise_for_status()
        except requests.RequestException as exc:
            raise unavailable(idp, exc) from exc
        xml = response.text
        if saml_metadata_problem(xml, idp.saml_entity_id):
            raise unavailable(idp, ValueError("unusable metadata at the URL"))
        cache.set(key, xml, METADATA_SECONDS)
    return xml


# -- our service provider ------------------------------------------------------------------
def sp_entity_id(request, idp: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("saml_metadata", args=[idp.slug]))


def sp_acs_url(request, idp: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("saml_acs", args=[idp.slug]))


def sp_sls_url(request, idp: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("saml_sls", args=[idp.slug]))


def sp_signs() -> bool:
    """Whether an SP key pair is configured: then requests are signed and SLO is offered."""
    return bool(settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE)


def _sp_config(request, idp: IdentityProvider, metadata_xml: str | None):
    from saml2 import BINDING_HTTP_POST
    from saml2.config import SPConfig
    from saml2.saml import NAMEID_FORMAT_PERSISTENT

    xmlsec = shutil.which("xmlsec1")
    if not xmlsec:
        raise unavailable(idp, RuntimeError("xmlsec1 is not installed"))
    config = {
        "entityid": sp_entity_id(request, idp),
        "xmlsec_binary": xmlsec,
        "allow_unknown_attributes": True,
        "accepted_time_diff": CLOCK_SLACK_SECONDS,
        "service": {
            "sp": {
                "name": "Kommunal-Campus",
                "endpoints": {
                    "assertion_consumer_service": [(sp_acs_url(request, idp), BINDING_HTTP_POST)],
                },
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "authn_requests_signed": False,
                "requested_attributes": [],
            }
        },
    }
    if sp_signs():
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

        sp = config["service"]["sp"]
        config["key_file"] = settings.SAML_SP_KEY_FILE
        config["cert_file"] = settings.SAML_SP_CERT_FILE
        sp["authn_requests_signed"] = True
        sp["logout_requests_signed"] = True
        sp["signing_algorithm"] = SIG_RSA_SHA256
        sp["digest_algorithm"] = DIGEST_SHA256
        sp["endpoints"]["single_logout_service"] = [
            (sp_sls_url(request, idp), BINDING_HTTP_REDIRECT)
        ]
    if metadata_xml:
        config["metadata"] = {"inline": [metadata_xml]}
    return SPConfig().load(config)


def _client(request, idp: IdentityProvider):
    from saml2.client import Saml2Client

    return Saml2Client(config=_sp_config(request, idp, _metadata_xml(idp)))


def saml_sp_metadata(request, idp: IdentityProvider) -> str:
    """Our SP metadata for this IdP: what the IT department gives its IdP's admin."""
    from saml2.metadata import entity_descriptor

    return str(entity_descriptor(_sp_config(request, idp, None)))


def _idp_entity_id(idp: IdentityProvider, client) -> str:
    """The IdP to ask: named in the admin, else the one the loaded metadata describes."""
    return idp.saml_entity_id or client.metadata.identity_providers()[0]


# -- the sign-in ---------------------------------------------------------------------------
def _outstanding_key(request_id: str) -> str:
    return f"saml:outstanding:{request_id}"


def saml_authn_redirect_url(request, idp: IdentityProvider) -> str:
    """Where to send the browser: the IdP's SSO endpoint with our AuthnRequest."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.xmldsig import SIG_RSA_SHA256

    client = _client(request, idp)
    signing = {"sign": True, "sigalg": SIG_RSA_SHA256} if sp_signs() else {}
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=_idp_entity_id(idp, client), binding=BINDING_HTTP_REDIRECT, **signing
        )
    except Exception as exc:  # noqa: BLE001 (metadata without a usable SSO endpoint)
        raise unavailable(idp, exc) from exc
    cache.set(_outstanding_key(request_id), idp.pk, OUTSTANDING_SECONDS)
    started = request.session.get(SESSION_SAML_REQUESTS, [])[-4:]
    request.session[SESSION_SAML_REQUESTS] = [*started, request_id]
    return dict(info["headers"])["Location"]


class _Outstanding(dict):
    """pysaml2 asks ``in_response_to in outstanding``: our requests to this IdP, in the cache
    (so any worker can take the response)."""

    def __init__(self, idp: IdentityProvider):
        super().__init__()
        self.idp = idp

    def __bool__(self):
        return True

    def __contains__(self, request_id):
        return cache.get(_outstanding_key(str(request_id))) == self.idp.pk

    def __getitem__(self, request_id):
        if request_id not in self:
            raise KeyError(request_id)
        return ""


def _claims(response) -> dict:
    """The assertion's attributes as claims, under their own names and the OIDC names."""
    from saml2.saml import NAMEID_FORMAT_EMAILADDRESS

    ava = {name: list(values) for name, values in (response.ava or {}).items()}
    claims: dict = dict(ava)
    for claim, aliases in CLAIM_ALIASES.items():
        values = next((ava[a] for a in (claim, *aliases) if ava.get(a)), [])
        if values:
            claims[claim] = str(values[0]) if claim in SINGLE_VALUED else values
    name_id = response.name_id
    if not claims.get("email") and name_id.format == NAMEID_FORMAT_EMAILADDRESS:
        claims["email"] = name_id.text
    claims["sub"] = name_id.text
    return claims


def saml_mfa_asserted(idp: IdentityProvider, response) -> bool:
    """Whether the assertion's AuthnContextClassRef says a second factor was used."""
    if not idp.mfa_from_idp:
        return False
    accepted = set(idp.mfa_values.split())
    return any(class_ref in accepted for class_ref, *_rest in response.authn_info())


def saml_accept_response(request, idp: IdentityProvider) -> str:
    """Validate the IdP's POSTed response and park its result; returns the one-time key the
    hand-over page completes the sign-in with. Raises ``SsoRefused``/``SsoUnavailable``."""
    from saml2 import BINDING_HTTP_POST
    from saml2.saml import NAMEID_FORMAT_TRANSIENT

    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        raise _refused(idp, "no SAMLResponse")
    client = _client(request, idp)
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding=_Outstanding(idp)
        )
    except Exception as exc:  # noqa: BLE001 (pysaml2 raises many kinds; each means: refused)
        raise _refused(idp, repr(exc)) from exc
    if response is None or response.assertion is None or response.name_id is None:
        raise _refused(idp, "no assertion")
    if response.name_id.format == NAMEID_FORMAT_TRANSIENT:
        raise _refused(idp, "transient NameID: the IdP must send a persistent one")
    request_id = response.in_response_to
    # Once only: the request is consumed, and the assertion's ID remembered while it is valid.
    if not cache.delete(_outstanding_key(request_id)):
        raise _refused(idp, f"replayed response to {request_id}")
    if not cache.add(f"saml:assertion:{response.assertion.id}", 1, OUTSTANDING_SECONDS):
        raise _refused(idp, f"replayed assertion {response.assertion.id}")
    key = secrets.token_urlsafe(24)
    statements = response.assertion.authn_statement or []
    result = {
        "idp": idp.pk,
        "request_id": request_id,
        "claims": _claims(response),
        "mfa": saml_mfa_asserted(idp, response),
        "logout": {  # what a LogoutRequest for this session names
            "name_id": {
                "text": response.name_id.text,
                "format": response.name_id.format,
                "name_qualifier": response.name_id.name_qualifier,
                "sp_name_qualifier": response.name_id.sp_name_qualifier,
            },
            "session_index": statements[0].session_index if statements else None,
        },
    }
    cache.set(f"saml:result:{key}", result, RESULT_SECONDS)
    return key


def saml_take_result(request, idp: IdentityProvider, key: str) -> tuple[dict, bool, dict]:
    """The parked result for this browser: claims, whether the IdP reported a second factor, and
    what single logout needs (NameID, session index).

    Only the session that sent the request may take it (login CSRF), and only once."""
    cache_key = f"saml:result:{key}"
    result = cache.get(cache_key)
    cache.delete(cache_key)
    started = request.session.get(SESSION_SAML_REQUESTS, [])
    if not result or result["idp"] != idp.pk or result["request_id"] not in started:
        raise _refused(idp, "result missing, expired or started by another browser")
    request.session[SESSION_SAML_REQUESTS] = [r for r in started if r != result["request_id"]]
    return result["claims"], result["mfa"], result["logout"]


# -- single logout -------------------------------------------------------------------------
def _logout_key(request_id: str) -> str:
    return f"saml:logout:{request_id}"


def saml_logout_url(request, idp: IdentityProvider, logout: dict, relay_state: str) -> str | None:
    """The IdP's single logout service with our signed LogoutRequest for this session, or None
    (no SP key, or the IdP offers no single logout by redirect)."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.saml import NameID
    from saml2.xmldsig import SIG_RSA_SHA256

    if not sp_signs():
        return None
    try:
        client = _client(request, idp)
        entity_id = _idp_entity_id(idp, client)
        services = client.metadata.single_logout_service(entity_id, BINDING_HTTP_REDIRECT, "idpsso")
        if not services:
            return None
        destination = services[0]["location"]
        session_index = logout.get("session_index")
        request_id, message = client.create_logout_request(
            destination,
            entity_id,
            name_id=NameID(**logout["name_id"]),
            session_indexes=[session_index] if session_index else None,
            sign=False,  # the redirect binding signs the query instead
        )
        http = client.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(message),
            destination,
            relay_state,
            sign=True,
            sigalg=SIG_RSA_SHA256,
        )
    except Exception:  # noqa: BLE001 (an IdP we cannot reach: the local sign-out stands)
        logger.warning("SAML %s: no single logout possible", idp.slug, exc_info=True)
        return None
    cache.set(_logout_key(request_id), idp.pk, OUTSTANDING_SECONDS)
    return dict(http["headers"])["Location"]


def saml_logout_confirmed(request, idp: IdentityProvider) -> bool:
    """The IdP's LogoutResponse (redirect binding): True when it answers a logout we asked
    for, once, with success."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.samlp import STATUS_SUCCESS

    encoded = request.GET.get("SAMLResponse", "")
    if not encoded:
        return False
    try:
        response = _client(request, idp).parse_logout_request_response(
            encoded, BINDING_HTTP_REDIRECT
        )
    except Exception:  # noqa: BLE001 (a forged or broken answer confirms nothing)
        logger.warning("SAML %s: unreadable LogoutResponse", idp.slug, exc_info=True)
        return False
    if response is None or not cache.delete(_logout_key(str(response.in_response_to))):
        return False
    return response.response.status.status_code.value == STATUS_SUCCESS


def saml_answer_logout_request(
    request, idp: IdentityProvider, signed_in: dict | None
) -> tuple[str, bool]:
    """IdP-initiated single logout (redirect binding): the person signed out at their
    administration, and the IdP sends their browser here with a signed LogoutRequest.

    ``signed_in`` is what this browser's session recorded at its SAML sign-in (IdP, NameID,
    session index). Returns where to send the browser next (the IdP's single logout service with our
    LogoutResponse, signed when we have a key) and whether this browser's session is the one
    the request names (same IdP, same NameID, the session index if the request gives one); the
    caller then ends it. A request for someone else's session is answered with success without
    touching this one: the person it names is not signed in here in this browser. Unsigned,
    badly signed or unreadable requests raise ``SsoRefused``: nobody can sign a person out by
    sending them a link.
    """
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.s_utils import UnsupportedBinding
    from saml2.xmldsig import SIG_RSA_SHA256

    query = request.GET
    if not query.get("Signature") or not query.get("SigAlg"):
        raise _refused(idp, "unsigned LogoutRequest")
    client = _client(request, idp)
    try:
        parsed = client.parse_logout_request(
            query["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query["SigAlg"],
            signature=query["Signature"],
        )
    except Exception as exc:  # noqa: BLE001 (forged, altered or not for us)
        raise _refused(idp, f"LogoutRequest refused: {exc}") from exc
    if parsed is None:
        raise _refused(idp, "LogoutRequest refused")
    message = parsed.message
    if message.issuer is None or message.issuer.text != _idp_entity_id(idp, client):
        raise _refused(idp, "LogoutRequest from another issuer")
    if not _redirect_signature_valid(client, message.issuer.text, query):
        raise _refused(idp, "LogoutRequest signature does not verify")
    ours = signed_in or {}
    indexes = [index.text for index in message.session_index or []]
    ends_this_session = (
        ours.get("idp") == idp.pk
        and message.name_id is not None
        and (ours.get("name_id") or {}).get("text") == message.name_id.text
        and (not indexes or ours.get("session_index") in indexes)
    )
    try:
        services = client.metadata.single_logout_service(
            message.issuer.text, BINDING_HTTP_REDIRECT, "idpsso"
        )
    except UnsupportedBinding:
        services = []
    if not services:  # an IdP that names no redirect SLO service gets no answer: home page
        return settings.LOGOUT_REDIRECT_URL, ends_this_session
    destination = services[0]["location"]
    response = client.create_logout_response(message, [BINDING_HTTP_REDIRECT])
    signing = {"sign": True, "sigalg": SIG_RSA_SHA256} if sp_signs() else {}
    http = client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination,
        query.get("RelayState", ""),
        response=True,
        **signing,
    )
    return dict(http["headers"])["Location"], ends_this_session


def _redirect_signature_valid(client, issuer: str, query) -> bool:
    """The query signature of a redirect-binding message against the issuer's signing
    certificates in its metadata. (pysaml2's SP parses logout requests without checking it:
    its check hangs on the IdP-side option ``want_authn_requests_signed``.)"""
    from saml2.sigver import verify_redirect_signature

    message = {
        key: query[key]
        for key in ("SAMLRequest", "RelayState", "SigAlg", "Signature")
        if key in query
    }
    for _name, cert in client.metadata.certs(issuer, "idpsso", "signing"):
        try:
            if verify_redirect_signature(message, client.sec.sec_backend, cert):
                return True
        except Exception:  # noqa: BLE001,S112 (an unusable signature is no signature)
            continue
    return False
