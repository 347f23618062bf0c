"""Forms of the certificates app: HR's correction of a certificate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Certificate


class CertificateCorrectionForm(forms.Form):
    """The corrected name as it is to be printed, and why; the certificate is re-issued under a
    new number by ``services.certificate_reissue``."""

    learner_name = forms.CharField(
        label=_("Name as it is to be printed"),
        max_length=200,
        error_messages={
            "required": _("Please enter the corrected name."),
            "max_length": _("The name can have at most %(limit_value)d characters."),
        },
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the old certificate; not shown on the verification page."),
        error_messages={
            "required": _("Please give a reason for the correction."),
            "max_length": _("The reason can have at most %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, certificate: Certificate, **kwargs):
        self.certificate = certificate
        kwargs.setdefault("initial", {"learner_name": certificate.learner_name})
        super().__init__(*args, **kwargs)

    def clean_learner_name(self) -> str:
        name = self.cleaned_data["learner_name"].strip()
        if name == self.certificate.learner_name:
            raise forms.ValidationError(
                _("This is the name already printed. Enter the corrected name.")
            )
        return name
