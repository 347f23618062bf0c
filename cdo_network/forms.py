"""Forms of the CDO network. They validate input; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lms.models import Organisation

from .models import (
    LAENDER,
    QUESTIONS,
    SCALE,
    BudgetRange,
    Dimension,
    Profile,
    ProjectField,
    ProjectStatus,
    Topic,
)
from .rendering import check_attachment
from .selectors import stocktaking_organisations_for


class ProfileForm(forms.ModelForm):
    """The directory entry with one visibility choice next to each field."""

    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Profile
        fields = [
            "listed",
            "organisation",
            "organisation_visibility",
            "role_title",
            "role_title_visibility",
            "topics",
            "topics_visibility",
            "bio",
            "bio_visibility",
            "contact_preference",
            "contact_detail",
            "contact_visibility",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "organisation_visibility": forms.RadioSelect,
            "role_title_visibility": forms.RadioSelect,
            "topics_visibility": forms.RadioSelect,
            "bio_visibility": forms.RadioSelect,
            "contact_visibility": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # One's own units and the municipality or district above them.
        self.fields["organisation"].queryset = stocktaking_organisations_for(user).order_by("path")
        self.fields["organisation"].required = False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several attachments in one field, each checked by type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(item, initial) for item in files]
        for item in cleaned:
            check_attachment(item)
        return cleaned


ATTACHMENT_HELP = _("Optional. PDF, PNG, JPEG, Word, Excel or OpenDocument, at most 5 MB each.")
BODY_HELP = _("Plain text or Markdown (e.g. **bold**, lists, links). HTML is not possible.")


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title of the discussion"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=BODY_HELP,
        max_length=20_000,
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=ATTACHMENT_HELP
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=BODY_HELP,
        max_length=20_000,
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=ATTACHMENT_HELP
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you reporting this post?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class ProjectSubmitForm(forms.Form):
    """What a member tells about a project; editors review it before it is published."""

    title = forms.CharField(label=_("Project title"), max_length=255)
    municipality = forms.CharField(label=_("Municipality"), max_length=150)
    land = forms.ChoiceField(label=_("State (Land)"), choices=LAENDER)
    field = forms.ChoiceField(label=_("Field"), choices=ProjectField.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    budget_range = forms.ChoiceField(label=_("Budget"), choices=BudgetRange.choices)
    funding_used = forms.CharField(label=_("Funding used"), max_length=255, required=False)
    partners = forms.CharField(
        label=_("Partners"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    summary = forms.CharField(
        label=_("What the project does"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=BODY_HELP,
    )
    outcomes = forms.CharField(
        label=_("Outcomes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=BODY_HELP,
    )
    lessons_learned = forms.CharField(
        label=_("Lessons learned"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=BODY_HELP,
    )
    contact = forms.CharField(label=_("Contact"), max_length=255, required=False)


class AssessmentForm(forms.Form):
    """Eighteen statements, three per dimension, each on a five-step scale."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for questions in QUESTIONS.values():
            for key, text in questions:
                self.fields[key] = forms.TypedChoiceField(
                    label=text, choices=SCALE, coerce=int, widget=forms.RadioSelect
                )

    def dimensions(self):
        """Fields grouped by dimension, for one fieldset each."""
        labels = dict(Dimension.choices)
        return [
            {"label": labels[dim], "fields": [self[key] for key, _text in questions]}
            for dim, questions in QUESTIONS.items()
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors and not cleaned.get("organisation"):
            return cleaned
        missing = [key for qs in QUESTIONS.values() for key, _t in qs if key not in cleaned]
        if missing and not self.errors:
            raise ValidationError(_("Please answer every statement."))
        return cleaned
