"""Self-registration by e-mail domain: the public pages (register, confirm the address, verify a
domain) and the two staff pages (org admins: the organisation's domains; HR: registrations to
approve). Services in ``lms.services.registration``.

The public pages answer the same whether or not an address has an account; the staff pages
start from the units the requester may manage (another municipality's domain or registration
is a 404).
"""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from ..models import EmailDomain, Registration
from ..models.sso import DOMAIN_PATTERN
from ..security.ratelimit import rate_limit_exceeded
from ..selectors import organisations_visible_to
from ..services.registration import (
    RegistrationError,
    WrongPassword,
    email_domain_add,
    email_domain_verify,
    registration_confirm,
    registration_decide,
    registration_for_token,
    registration_route,
    registration_start,
)
from .hr import managed_unit
from .sso import sso_handover_to_idp


class RegistrationForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Work e-mail address"),
        help_text=gettext_lazy("The address your administration gave you, e.g. name@gemeinde.de."),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=200,
        help_text=gettext_lazy(
            "Certificates carry it once the HR office of your administration has confirmed it."
        ),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


def _route_error(route, email: str) -> str:
    domain = email.rpartition("@")[2]
    if route.kind == "closed":
        return _(
            "%(organisation)s does not offer self-registration. Please ask the HR office of "
            "%(organisation)s to invite you."
        ) % {"organisation": route.organisation.name}
    return _(
        "Addresses of %(domain)s cannot register here: your administration has not set up "
        "self-registration. Please ask your HR office to invite you, or your organisation "
        "admin to register the domain. Questions: %(support)s"
    ) % {"domain": domain, "support": settings.SUPPORT_EMAIL}


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        route = registration_route(email)
        if route.kind == "idp":
            return sso_handover_to_idp(request, route.idp, email)
        if route.kind != "open":
            form.add_error("email", _route_error(route, email))
        elif rate_limit_exceeded(
            request, scope="registration", limit=10, window=3600
        ) or rate_limit_exceeded(
            request, scope="registration_email", limit=3, window=3600, subject=email
        ):
            return render(request, "lms/registration_sent.html", {"email": email})
        else:
            registration_start(
                email=email,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
            return render(request, "lms/registration_sent.html", {"email": email})
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "lms/registration.html", {"form": form}, status=status)


@never_cache
def registration_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """A button, not the link itself, confirms: mail scanners that open links confirm nothing."""
    registration = registration_for_token(token)
    if registration is None:
        return render(request, "lms/registration_invalid.html", status=410)
    if request.method == "POST":
        try:
            user = registration_confirm(
                registration=registration, password=request.POST.get("password", "")
            )
        except WrongPassword:
            context = {
                "registration": registration,
                "error": _(
                    "This is not the password you chose when registering. If you did not "
                    "register yourself, ignore the mail: without the password no account is "
                    "created."
                ),
            }
            return render(request, "lms/registration_confirm.html", context, status=400)
        except RegistrationError:
            return render(request, "lms/registration_invalid.html", status=410)
        if user.is_active:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome! Your address is confirmed and you are signed in. Your certificates "
                    "carry your name once the HR office of %(organisation)s has confirmed it."
                )
                % {"organisation": registration.organisation.name},
            )
            return redirect("learning_dashboard")
        return render(request, "lms/registration_waiting.html", {"registration": registration})
    return render(request, "lms/registration_confirm.html", {"registration": registration})


@never_cache
def email_domain_verify_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        email_domain = email_domain_verify(token)
        if email_domain is None:
            return render(request, "lms/registration_invalid.html", status=410)
        return render(request, "lms/email_domain_verified.html", {"email_domain": email_domain})
    return render(request, "lms/email_domain_verify.html")


# --- staff -------------------------------------------------------------------------------------


class EmailDomainForm(forms.Form):
    domain = forms.CharField(
        label=gettext_lazy("Domain"),
        max_length=253,
        help_text=gettext_lazy("e.g. gemeinde-musterdorf.de"),
    )
    mailbox = forms.RegexField(
        label=gettext_lazy("Mailbox for the confirmation link"),
        regex=r"^[a-z0-9._%+-]+$",
        max_length=64,
        help_text=gettext_lazy(
            "The part before the @ of a mailbox at this domain that you (or your IT) read, "
            "e.g. poststelle or it-service. The link that verifies the domain goes there."
        ),
        error_messages={"invalid": gettext_lazy("Only the part before the @, e.g. poststelle.")},
    )

    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lstrip("@").lower()
        if not re.match(DOMAIN_PATTERN, domain):
            raise ValidationError(_("Please enter a domain, e.g. gemeinde.de."))
        return domain

    def clean_mailbox(self):
        return self.cleaned_data["mailbox"].strip().lower()


@login_required
@never_cache
def hr_email_domains(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Org admins: the organisation's domains, their verification and self-registration."""
    unit = managed_unit(request, unit_id)
    form = EmailDomainForm(request.POST if request.POST.get("action") == "add" else None)
    action = request.POST.get("action")
    if action == "add" and form.is_valid():
        try:
            added = email_domain_add(
                organisation=unit,
                domain=form.cleaned_data["domain"],
                mailbox=form.cleaned_data["mailbox"],
                by=request.user,
            )
        except RegistrationError:
            form.add_error(
                "domain",
                _("This domain belongs to another organisation. Please contact the support."),
            )
        else:
            messages.success(
                request,
                _("We sent the confirmation link to %(address)s.")
                % {"address": added.verification_address},
            )
            return redirect("hr_email_domains", unit_id=unit.pk)
    elif action in ("open", "close", "remove"):
        email_domain = get_object_or_404(EmailDomain, organisation=unit, pk=request.POST.get("pk"))
        if action == "remove":
            email_domain.delete()
        else:
            email_domain.self_registration = action == "open"
            email_domain.save(update_fields=["self_registration"])
        messages.success(request, _("Saved."))
        return redirect("hr_email_domains", unit_id=unit.pk)
    elif action == "approval":
        unit.registration_approval = request.POST.get("registration_approval") == "1"
        unit.save(update_fields=["registration_approval"])
        messages.success(request, _("Saved."))
        return redirect("hr_email_domains", unit_id=unit.pk)
    context = {"unit": unit, "form": form, "domains": unit.email_domains.all()}
    return render(request, "lms/hr/email_domains.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def hr_registrations(request: HttpRequest, unit_id: int) -> HttpResponse:
    """HR: self-registrations waiting for approval in the unit and its sub-units."""
    unit = get_object_or_404(organisations_visible_to(request.user), pk=unit_id)
    waiting = Registration.objects.filter(
        organisation__path__startswith=unit.path,
        status=Registration.Status.AWAITING_APPROVAL,
    ).select_related("organisation", "user")
    if request.method == "POST":
        registration = get_object_or_404(waiting, pk=request.POST.get("pk"))
        approve = request.POST.get("decision") == "approve"
        try:
            registration_decide(registration=registration, by=request.user, approve=approve)
        except RegistrationError:
            messages.error(request, _("You cannot decide your own registration."))
        else:
            messages.success(
                request,
                _("%(name)s can now sign in.") % {"name": registration.full_name}
                if approve
                else _("The registration of %(name)s was rejected.")
                % {"name": registration.full_name},
            )
        return redirect("hr_registrations", unit_id=unit.pk)
    return render(request, "lms/hr/registrations.html", {"unit": unit, "waiting": waiting})
