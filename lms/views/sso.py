"""Single sign-on views: hand the browser to the municipality's IdP and take it back.

The protocol and the policy live in ``lms.services.sso``; these views only route, remember
where the person wanted to go, and show a clear German message when the IdP is down or its
answer is refused (the password form stays on that page).
"""

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ..forms import EmailAuthenticationForm
from ..models import IdentityProvider
from ..services.saml import (
    saml_accept_response,
    saml_answer_logout_request,
    saml_authn_redirect_url,
    saml_logout_confirmed,
    saml_logout_url,
    saml_sp_metadata,
    saml_take_result,
)
from ..services.sso import (
    SsoCodeExpired,
    SsoError,
    SsoUnavailable,
    sso_authorize_redirect,
    sso_complete_sign_in,
    sso_logout_url,
    sso_sign_in,
)

SESSION_NEXT = "_lms_sso_next"
SESSION_RESTARTED = "_lms_sso_restarted"  # an expired code started the sign-in once more
SESSION_SAML_LOGOUT = "_lms_saml_logout"  # IdP, NameID and session index for single logout


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def sso_handover(request, target: str, *, heading: str, explanation: str):
    """Send the browser on to ``target`` after a form: an HTTP redirect chain that starts at a
    form may not leave the site (CSP ``form-action 'self'``), an immediate refresh may."""
    context = {"target": target, "heading": heading, "explanation": explanation}
    return render(request, "registration/sso_redirect.html", context)


def sso_handover_to_idp(request, idp: IdentityProvider, email: str, next_url: str = ""):
    """The hand-over page that starts the sign-in at ``idp`` for ``email``."""
    query = urlencode({"email": email, "next": next_url})
    return sso_handover(
        request,
        f"{reverse('sso_start', args=[idp.slug])}?{query}",
        heading=_("Sign in with your administration's account"),
        explanation=_("You are being taken to the sign-in of %(idp)s …") % {"idp": idp.name},
    )


def login_page_with_error(request, error: SsoError, email: str = ""):
    """The login page again, with the reason and the password form (a fallback that works)."""
    form = EmailAuthenticationForm(request, initial={"username": email})
    status = 503 if isinstance(error, SsoUnavailable) else 400
    context = {"form": form, "sso_error": error.message, "next": ""}
    return render(request, "registration/login.html", context, status=status)


@never_cache
def sso_start(request, slug: str):
    idp = get_object_or_404(IdentityProvider, slug=slug, is_active=True)
    request.session[SESSION_NEXT] = _safe_next(request, request.GET.get("next", ""))
    redirect_uri = request.build_absolute_uri(reverse("sso_callback", args=[idp.slug]))
    email = request.GET.get("email", "")[:254]
    try:
        if idp.is_saml:
            return redirect(saml_authn_redirect_url(request, idp))
        return sso_authorize_redirect(request, idp, redirect_uri, login_hint=email)
    except SsoError as error:
        return login_page_with_error(request, error, email)


@never_cache
def sso_callback(request, slug: str):
    idp = get_object_or_404(IdentityProvider, slug=slug, is_active=True)
    next_url = request.session.get(SESSION_NEXT, "")
    try:
        sso_sign_in(request, idp)
    except SsoCodeExpired as error:
        if request.session.pop(SESSION_RESTARTED, False):
            return login_page_with_error(request, error)
        request.session[SESSION_RESTARTED] = True  # once: a second expiry shows the error
        query = urlencode({"next": next_url})
        return redirect(f"{reverse('sso_start', args=[idp.slug])}?{query}")
    except SsoError as error:
        return login_page_with_error(request, error)
    request.session.pop(SESSION_RESTARTED, None)
    return redirect(_safe_next(request, next_url))


@require_GET
def saml_metadata(request, slug: str):
    """Our SP metadata for this IdP (entity ID, assertion consumer service), for its admin."""
    idp = get_object_or_404(IdentityProvider, slug=slug, protocol=IdentityProvider.Protocol.SAML)
    try:
        xml = saml_sp_metadata(request, idp)
    except SsoError as error:
        return HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


@csrf_exempt  # the IdP posts here across sites; the assertion's signature is the proof
@require_POST
@never_cache
def saml_acs(request, slug: str):
    """Assertion consumer service: validate the IdP's response, then complete the sign-in on a
    page of our own site, where the browser sends its session cookie again."""
    idp = get_object_or_404(IdentityProvider, slug=slug, is_active=True, protocol="saml")
    try:
        key = saml_accept_response(request, idp)
    except SsoError as error:
        return login_page_with_error(request, error)
    return sso_handover(
        request,
        reverse("saml_finish", args=[idp.slug, key]),
        heading=_("Sign in with your administration's account"),
        explanation=_("You are being signed in …"),
    )


@never_cache
def saml_finish(request, slug: str, key: str):
    idp = get_object_or_404(IdentityProvider, slug=slug, is_active=True, protocol="saml")
    next_url = request.session.get(SESSION_NEXT, "")
    try:
        claims, mfa, logout = saml_take_result(request, idp, key)
        sso_complete_sign_in(request, idp, claims, mfa=mfa)
    except SsoError as error:
        return login_page_with_error(request, error)
    request.session[SESSION_SAML_LOGOUT] = {"idp": idp.pk, **logout}
    return redirect(_safe_next(request, next_url))


@require_GET
@never_cache
def saml_sls(request, slug: str):
    """Single logout service: the IdP's answer to our LogoutRequest comes back here, and the
    IdP's own LogoutRequest when the person signed out at their administration."""
    idp = get_object_or_404(IdentityProvider, slug=slug, protocol="saml")
    if "SAMLRequest" in request.GET:
        return _saml_logout_requested_by_idp(request, idp)
    if saml_logout_confirmed(request, idp):
        messages.success(request, _("You are signed out, also at %(idp)s.") % {"idp": idp.name})
    else:
        messages.warning(
            request,
            _(
                "You are signed out here. %(idp)s did not confirm the sign-out there: close the "
                "browser to end that session."
            )
            % {"idp": idp.name},
        )
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _saml_logout_requested_by_idp(request, idp: IdentityProvider):
    try:
        back_to_idp, ends_this_session = saml_answer_logout_request(
            request, idp, request.session.get(SESSION_SAML_LOGOUT)
        )
    except SsoError:
        return render(request, "registration/sso_logout_refused.html", {"idp": idp}, status=400)
    if ends_this_session:
        auth.logout(request)
    return redirect(back_to_idp)


class LogoutView(auth_views.LogoutView):
    """Sign out here, and at the IdP too when the person came through one that offers it."""

    def post(self, request, *args, **kwargs):
        home = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
        idp_logout = sso_logout_url(request, post_logout_redirect_uri=home)
        saml = request.session.get(SESSION_SAML_LOGOUT)
        if saml and not idp_logout:
            idp = IdentityProvider.objects.filter(pk=saml["idp"], is_active=True).first()
            if idp is not None:
                idp_logout = saml_logout_url(request, idp, saml, relay_state="")
        response = super().post(request, *args, **kwargs)
        if not idp_logout:
            return response
        return sso_handover(
            request,
            idp_logout,
            heading=_("You have been signed out"),
            explanation=_("You are now also being signed out at your administration …"),
        )
