"""Views of the learning core: home, accounts, organisations, health check.

Views stay thin: check permission, parse input, call one service or selector, render.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services
from ..forms import EmailAuthenticationForm, ProfileForm
from ..models import Membership
from ..personal_data import export_schema
from ..security.ratelimit import rate_limit_exceeded
from ..services.privacy import person_data_export, person_data_summary
from ..services.sso import sso_provider_for_email
from .sso import sso_handover_to_idp


def home(request: HttpRequest) -> HttpResponse:
    """Landing page: what the platform offers, and the roles the signed-in person holds."""
    memberships = selectors.memberships_of(request.user) if request.user.is_authenticated else []
    return render(request, "lms/home.html", {"memberships": memberships})


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )


class LoginView(auth_views.LoginView):
    """Django's login (which rotates the session key) that also applies the preferred language."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        """An address whose administration runs single sign-on goes to its IdP when no password
        is given (or the person chose that button); everyone else signs in with a password."""
        email = request.POST.get("username", "").strip()
        wants_sso = "sso" in request.POST or not request.POST.get("password")
        if wants_sso and email:
            idp = sso_provider_for_email(email)
            if idp is not None:
                return sso_handover_to_idp(request, idp, email, request.POST.get("next", ""))
            if "sso" in request.POST:
                return self.render_to_response(
                    self.get_context_data(
                        form=self.form_class(request, initial={"username": email}),
                        sso_error=_(
                            "No sign-in through an administration is set up for this address. "
                            "Please sign in with your password."
                        ),
                    )
                )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        _set_language_cookie(response, form.get_user().preferred_language)
        return response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the UI language; signed-in people keep it as their preference."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if request.user.is_authenticated and request.user.preferred_language != language:
        services.user_update_profile(
            user=request.user, full_name=request.user.full_name, preferred_language=language
        )
    response = HttpResponseRedirect(next_url)
    _set_language_cookie(response, language)
    return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Name (as it will appear on certificates) and preferred language."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile has been saved."))
        response = HttpResponseRedirect(request.path)
        _set_language_cookie(response, user.preferred_language)
        return response
    context = {
        "form": form,
        "memberships": selectors.memberships_of(request.user),
        "pending_name": request.user.name_change_requests.filter(status="pending").first(),
    }
    return render(request, "lms/profile.html", context)


@login_required
@require_GET
def data_summary(request: HttpRequest) -> HttpResponse:
    """The same data as the JSON download, readable: one table per kind of data, in German."""
    sections = person_data_summary(user=request.user)
    response = render(request, "lms/data_summary.html", {"sections": sections})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def data_export_schema(request: HttpRequest) -> JsonResponse:
    """The published JSON Schema of the data export (no personal data, public)."""
    return JsonResponse(export_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})


@login_required
@require_GET
def data_export(request: HttpRequest) -> JsonResponse:
    """Everything stored about the signed-in person, as a JSON download (DSGVO Art. 15/20)."""
    data = person_data_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Organisations whose records the user may see (HR and org admins), as a tree."""
    organisations = selectors.organisations_visible_to(request.user).order_by("path")
    return render(request, "lms/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visible organisation: its sub-units and members. Others' units are a 404."""
    organisation = get_object_or_404(selectors.organisations_visible_to(request.user), pk=pk)
    sub_units = organisation.get_children()
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("job_profiles")
        .order_by("user__full_name")
    )
    audit_visible = selectors.organisations_visible_to(request.user, perm="manage_members")
    context = {
        "organisation": organisation,
        "sub_units": sub_units,
        "members": members,
        "may_read_audit_log": audit_visible.filter(pk=organisation.pk).exists(),
    }
    return render(request, "lms/organisation_detail.html", context)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("healthz", "ok", 5)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value just written")


def _check_broker() -> None:
    from ..celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: database, cache and broker (where configured), as JSON."""
    checks = {"database": _check_database, "cache": _check_cache}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker
    return checks_response(checks)


def checks_response(checks: dict) -> JsonResponse:
    """Run each check; 200 when all pass, else 503 naming the failed part (the error's class
    only: no address or credential reaches the load balancer's log)."""
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001  (any failure means "down")
            results[name] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Password reset mails are limited per address asked for and per client
    (``PASSWORD_RESET_LIMIT_PER_EMAIL``/``_PER_CLIENT`` an hour), so the form can be used
    neither to flood a colleague's inbox nor to probe many addresses. Over the limit the page
    says the same as always and sends nothing (no hint whether an account exists)."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        over = rate_limit_exceeded(
            self.request,
            scope="password_reset_email",
            limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
            window=3600,
            subject=email,
        )
        over = (
            rate_limit_exceeded(
                self.request,
                scope="password_reset_client",
                limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
                window=3600,
            )
            or over
        )
        if over:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
