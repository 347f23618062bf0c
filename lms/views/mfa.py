"""Second-factor pages: confirm a sign-in with a code, or set up an authenticator app."""

import base64
import io

import qrcode
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..forms import SecondFactorForm
from ..services import mfa as services


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_confirm(request=request, token=form.cleaned_data["code"]):
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", services.WRONG_CODE)
    context = {"form": form, "next": _next_url(request)}
    return render(request, "lms/mfa_verify.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    device = services.totp_device_pending(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        backup_codes = services.totp_device_confirm(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if backup_codes is not None:
            context = {"backup_codes": backup_codes, "next": _next_url(request)}
            return render(request, "lms/mfa_done.html", context)
        form.add_error("code", services.WRONG_CODE)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr": _qr_data_uri(device.config_url),
        "secret": services.secret_for_typing(device),
    }
    return render(request, "lms/mfa_setup.html", context, status=400 if form.errors else 200)
