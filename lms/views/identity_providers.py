"""Organisation admins register their administration's IdP (OIDC or SAML) for the e-mail
domains they verified (``lms.services.identity_providers``), and see the values their IT needs
(redirect URI, SP metadata). Another municipality's unit or IdP is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from ..models import IdentityProvider
from ..services.identity_providers import (
    identity_provider_save,
    identity_provider_slug,
    identity_providers_of,
    verified_domains_of,
)
from .hr import managed_unit


class IdentityProviderForm(forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=gettext_lazy("E-mail domains it signs in"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Only domains verified for your organisation (E-mail domains and self-registration)."
        ),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "protocol",
            "issuer_url",
            "client_id",
            "client_secret",
            "saml_metadata_url",
            "saml_metadata_xml",
            "saml_entity_id",
            "mfa_from_idp",
            "is_active",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=False)}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = [(d, d) for d in verified_domains_of(unit)]
        self.fields["client_secret"].required = False
        if self.instance.pk:
            self.fields["client_secret"].help_text = _("Leave empty to keep the current secret.")
            self.initial["domains"] = self.instance.domains

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret") or ""
        if not secret and self.instance.pk:
            return IdentityProvider.objects.get(pk=self.instance.pk).client_secret
        return secret

    def clean(self):
        data = super().clean()
        # the model's own checks (protocol values, domain already taken) run on these
        self.instance.email_domains = "\n".join(data.get("domains") or [])
        if not self.instance.slug and data.get("name"):
            self.instance.slug = identity_provider_slug(data["name"], self.instance)
        return data

    def _update_errors(self, errors):
        """The model checks ``email_domains`` (taken by another IdP, say): shown at the
        domains this form asks for."""
        if hasattr(errors, "error_dict") and "email_domains" in errors.error_dict:
            errors.error_dict.setdefault("domains", []).extend(
                errors.error_dict.pop("email_domains")
            )
        super()._update_errors(errors)


@login_required
@never_cache
def hr_identity_providers(request: HttpRequest, unit_id: int, pk: int | None = None):
    unit = managed_unit(request, unit_id)
    own = identity_providers_of(unit)
    idp = IdentityProvider()
    if pk is not None:
        idp = next((i for i in own if i.pk == pk), None)
        if idp is None:
            raise Http404
    form = IdentityProviderForm(request.POST or None, instance=idp, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            saved = identity_provider_save(
                unit=unit,
                idp=form.save(commit=False),
                domains=form.cleaned_data["domains"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is saved. Give your IT the values below.") % {"name": saved.name},
            )
            return redirect("hr_identity_provider", unit_id=unit.pk, pk=saved.pk)
    context = {
        "unit": unit,
        "form": form,
        "own": own,
        "idp": idp if idp.pk else None,
        "has_domains": bool(form.fields["domains"].choices),
        "callback": request.build_absolute_uri(reverse("sso_callback", args=[idp.slug]))
        if idp.pk
        else "",
        "saml_metadata": request.build_absolute_uri(reverse("saml_metadata", args=[idp.slug]))
        if idp.pk
        else "",
        "saml_acs": request.build_absolute_uri(reverse("saml_acs", args=[idp.slug]))
        if idp.pk
        else "",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "lms/hr/identity_providers.html", context, status=status)
