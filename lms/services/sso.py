"""Single sign-on through a municipality's OpenID Connect provider, and the policy SAML shares.

The protocol is authlib's: authorization code flow with PKCE (S256), ``state`` and ``nonce``
kept in the session and checked on return, the ID token's signature checked against the IdP's
published keys, and its issuer, audience, expiry and nonce validated. What is ours is the
policy around it:

* An IdP signs in only addresses of its own e-mail domains (``IdentityProvider.domains``):
  Köln's directory can never sign in, create or take over an account of a Bonn address, even if
  its token says so.
* People are matched by the IdP's stable subject first, then (once) by e-mail address.
* Name, unit, job profiles and, where mapped, role come from the directory at every sign-in.
* A second factor the IdP reports (``amr``/``acr``) counts here when the IdP is trusted for it.
"""

import logging

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.contrib.auth import login
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from ..models import IdentityProvider, Organisation, SsoIdentity, User
from ..security.mfa import MFA_BY_IDP as SESSION_MFA_BY_IDP
from .names import name_set_from_source
from .placement import DirectoryPlacement, directory_placement_apply, within

logger = logging.getLogger(__name__)

SESSION_IDP = "_lms_sso_idp"
SESSION_ID_TOKEN = "_lms_sso_id_token"  # noqa: S105 (a session key, not a secret)
HTTP_TIMEOUT = 8  # seconds for discovery, keys and token requests to the IdP
METADATA_SECONDS = 600  # discovery document and signing keys are cached this long


class SsoError(Exception):
    """Sign-in through the IdP did not succeed; ``message`` is for the person signing in."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(reason or message)
        self.message = message


class SsoUnavailable(SsoError):
    """The IdP could not be reached or answered with an error."""


class SsoRefused(SsoError):
    """The IdP answered, but what it said is not accepted here."""


class SsoCodeExpired(SsoRefused):
    """The IdP no longer accepts the authorization code (``invalid_grant``): typically it
    expired while the return queued behind a crowd signing in at once. Starting again is
    harmless; with the IdP's session still open the person does not see the IdP at all."""


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def sso_provider_for_email(email: str) -> IdentityProvider | None:
    """The active IdP authoritative for the address's domain, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    for idp in IdentityProvider.objects.filter(is_active=True, email_domains__icontains=domain):
        if domain in idp.domains:
            return idp
    return None


def _metadata_key(idp: IdentityProvider) -> str:
    return f"sso:metadata:{idp.pk}:{idp.issuer_url}:{idp.client_id}"


def oidc_client(idp: IdentityProvider) -> DjangoOAuth2App:
    """An authlib client for this IdP (built per request: IdPs are edited in the admin).

    The IdP's discovery document and signing keys are cached for ``METADATA_SECONDS``, so a
    sign-in costs the token (and userinfo) request only; a token signed with a key not in the
    cached set makes authlib fetch the keys again (key rotation)."""
    discovery = idp.issuer_url.rstrip("/")
    if "/.well-known/" not in discovery:
        discovery += "/.well-known/openid-configuration"
    name = f"idp{idp.pk}"
    cached = cache.get(_metadata_key(idp)) or {}
    return DjangoOAuth2App(
        DjangoIntegration(name),
        name,
        client_id=idp.client_id,
        client_secret=idp.client_secret,
        server_metadata_url=discovery,
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT,
        },
        **cached,
    )


def _remember_metadata(idp: IdentityProvider, client: DjangoOAuth2App) -> None:
    if client.server_metadata.get("_loaded_at") and client.server_metadata.get("jwks"):
        cache.set(_metadata_key(idp), dict(client.server_metadata), METADATA_SECONDS)


def unavailable(idp: IdentityProvider, exc: Exception) -> SsoUnavailable:
    logger.warning("SSO %s unavailable: %s", idp.slug, exc)
    return SsoUnavailable(
        _(
            "Signing in through %(idp)s is not possible at the moment. Please try again later "
            "or sign in with your password."
        )
        % {"idp": idp.name},
        str(exc),
    )


def sso_authorize_redirect(request, idp: IdentityProvider, redirect_uri: str, login_hint: str):
    """The redirect to the IdP's login (state, nonce and PKCE verifier kept in the session)."""
    client = oidc_client(idp)
    try:
        extra = {"login_hint": login_hint} if login_hint else {}
        response = client.authorize_redirect(request, redirect_uri, **extra)
        if "jwks" not in client.server_metadata:
            client.fetch_jwk_set()  # cached with the discovery document for the way back
        _remember_metadata(idp, client)
        return response
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise unavailable(idp, exc) from exc


def sso_claims_from_callback(request, idp: IdentityProvider) -> tuple[dict, str]:
    """Validate the IdP's answer; the ID token's claims (with userinfo) and the raw ID token."""
    client = oidc_client(idp)
    refused = _("Signing in through %(idp)s did not succeed. Please try again.") % {"idp": idp.name}
    try:
        token = client.authorize_access_token(request)
    except requests.RequestException as exc:
        raise unavailable(idp, exc) from exc
    except (OAuthError, JoseError, ValueError) as exc:
        logger.warning("SSO %s refused: %r %s", idp.slug, exc, getattr(exc, "description", ""))
        if isinstance(exc, OAuthError) and exc.error == "invalid_grant":
            raise SsoCodeExpired(refused, repr(exc)) from exc
        raise SsoRefused(refused, repr(exc)) from exc
    _remember_metadata(idp, client)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):  # no validated ID token: nothing to trust
        raise SsoRefused(refused, "no id_token")
    claims = dict(claims)
    try:
        userinfo = client.userinfo(token=token)
    except (requests.RequestException, OAuthError, RuntimeError, KeyError):
        userinfo = {}
    if userinfo.get("sub") == claims["sub"]:  # OIDC Core 5.3.2: only the same subject counts
        claims = {**userinfo, **claims}
    return claims, token.get("id_token", "")


def sso_mfa_asserted(idp: IdentityProvider, claims: dict) -> bool:
    """Whether the IdP reports a second factor and is trusted to do so."""
    if not idp.mfa_from_idp:
        return False
    accepted = set(idp.mfa_values.split())
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(accepted & set(amr)) or claims.get("acr") in accepted


def _claim_values(claims: dict, name: str) -> set[str]:
    value = claims.get(name)
    if value is None or name == "":
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)}


def _placement(
    idp: IdentityProvider, claims: dict, organisations: list[Organisation]
) -> DirectoryPlacement:
    """Unit, job profiles and role the directory's claims map to (mapping in the admin)."""
    unit = organisations[0] if len(organisations) == 1 else None
    mappings = list(idp.mappings.select_related("unit").all())
    maps_profiles = any(mapping.job_profile_id for mapping in mappings)
    job_profiles: set[int] | None = set() if maps_profiles else None
    role = ""
    for mapping in mappings:
        if mapping.value not in _claim_values(claims, mapping.claim):
            continue
        if mapping.unit and within(mapping.unit, organisations):
            unit = mapping.unit
        if mapping.job_profile_id and job_profiles is not None:
            job_profiles.add(mapping.job_profile_id)
        if mapping.role:
            role = mapping.role
    return DirectoryPlacement(unit=unit, job_profile_ids=job_profiles, role=role)


def _full_name(claims: dict) -> str:
    name = (claims.get("name") or "").strip()
    if not name:
        name = " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part
        ).strip()
    return name[:200]


@transaction.atomic
def sso_user_for_claims(idp: IdentityProvider, claims: dict) -> User:
    """Find or create the person the IdP vouches for and bring their data up to date.

    Raises ``SsoRefused`` for an address outside the IdP's domains (nothing is created or
    changed then) and for a deactivated account."""
    email = (claims.get("email") or "").strip().lower()
    if not email or email_domain(email) not in idp.domains:
        logger.warning(  # the domain only: no one's address in the log
            "SSO %s refused an address of domain %s", idp.slug, email_domain(email) or "-"
        )
        raise SsoRefused(
            _(
                "%(idp)s cannot sign in the address %(email)s: it is not one of its domains. "
                "Please sign in with the account of your own administration."
            )
            % {"idp": idp.name, "email": email or "–"},
            "foreign domain",
        )
    subject = str(claims["sub"])
    identity = (
        SsoIdentity.objects.select_related("user")
        .filter(identity_provider=idp, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        if user.email.lower() != email and not User.objects.filter(email__iexact=email).exists():
            user.email = email  # the directory renamed the mailbox; the subject is the same
    else:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and user.sso_identities.filter(identity_provider=idp).exists():
            # The address is linked to another person of this directory (a reassigned mailbox,
            # say): the new subject must not inherit that person's account and certificates.
            logger.warning("SSO %s: the address is linked to another subject", idp.slug)
            raise SsoRefused(
                _(
                    "This address is already linked to another account of your administration. "
                    "Please contact the platform support."
                ),
                "address linked to another subject",
            )
        if user is None:
            user = User(email=email)
            user.set_unusable_password()
        identity = SsoIdentity(identity_provider=idp, subject=subject)
    if not user.is_active and user.pk:
        raise SsoRefused(_("This account has been deactivated."), "inactive")
    full_name = _full_name(claims)
    if full_name:
        user.full_name = full_name
        if user.pk is None:
            user.name_source = User.NameSource.IDP
    user.save()
    if full_name:  # the directory's name is authoritative: certificates carry it
        name_set_from_source(user=user, name=full_name, source=User.NameSource.IDP)
    identity.user = user
    identity.last_login = timezone.now()
    identity.save()
    _update_membership(idp, user, claims)
    return user


def _update_membership(idp: IdentityProvider, user: User, claims: dict) -> None:
    """At each sign-in the person's employee membership follows the IdP's claims."""
    organisations = list(idp.organisations.all())
    directory_placement_apply(
        user=user, placement=_placement(idp, claims, organisations), organisations=organisations
    )


def sso_sign_in(request, idp: IdentityProvider) -> User:
    """Complete the OIDC IdP's answer: validate, provision, and sign the person in."""
    claims, id_token = sso_claims_from_callback(request, idp)
    return sso_complete_sign_in(
        request, idp, claims, mfa=sso_mfa_asserted(idp, claims), id_token=id_token
    )


def sso_complete_sign_in(
    request, idp: IdentityProvider, claims: dict, *, mfa: bool, id_token: str = ""
) -> User:
    """Provision the person the IdP vouched for (OIDC or SAML) and sign them in."""
    user = sso_user_for_claims(idp, claims)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_IDP] = idp.pk
    request.session[SESSION_ID_TOKEN] = id_token
    request.session[SESSION_MFA_BY_IDP] = mfa
    return user


def sso_logout_url(request, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser for single logout at the IdP (if it offers it)."""
    idp_pk = request.session.get(SESSION_IDP)
    id_token = request.session.get(SESSION_ID_TOKEN)
    if not idp_pk or not id_token:
        return None
    idp = IdentityProvider.objects.filter(pk=idp_pk, is_active=True).first()
    if idp is None:
        return None
    try:
        result = oidc_client(idp).create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token
        )
    except (requests.RequestException, RuntimeError, KeyError, ValueError):
        return None
    return result["url"]
