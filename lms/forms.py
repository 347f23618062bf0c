"""Forms of the accounts area. Labels and messages are German through gettext."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .security.slowdown import seconds_to_wait


class EmailAuthenticationForm(AuthenticationForm):
    """Login by e-mail address; the field keeps Django's name ``username`` for django-axes."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Not needed if your administration signs you in (single sign-on)."),
    )
    error_messages = {
        "invalid_login": _("Login failed. Please check your e-mail address and password."),
        "inactive": _("This account is deactivated."),
    }

    def clean(self):
        if not self.cleaned_data.get("password") and "username" in self.cleaned_data:
            raise forms.ValidationError(_("Please enter your password."), code="password_missing")
        wait = seconds_to_wait(self.request, self.cleaned_data.get("username", ""))
        if wait:  # checked before the password, so waiting attempts cost no hashing either
            raise forms.ValidationError(
                _(
                    "There have been many failed sign-ins for this account. Please wait "
                    "%(seconds)s seconds, then try again."
                ),
                code="slowed_down",
                params={"seconds": wait},
            )
        return super().clean()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]


class AccessibilityFeedbackForm(forms.ModelForm):
    """Report a barrier: only the message is required; name and address only for an answer."""

    class Meta:
        from .models import AccessibilityFeedback

        model = AccessibilityFeedback
        fields = ["message", "page_url", "name", "email"]
        labels = {
            "message": _(
                "Which barrier did you find, or which content do you need in another form?"
            ),
            "page_url": _("Page concerned (address or title, optional)"),
            "name": _("Your name (optional)"),
            "email": _("Your e-mail address, if you would like an answer (optional)"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app (or a backup code)"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
