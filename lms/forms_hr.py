"""Forms of the HR area."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage

from .models import Assignment, JobProfile
from .selectors.hr import STATUS_LABELS


class MatrixFilterForm(forms.Form):
    job_profile = forms.ModelChoiceField(
        JobProfile.objects.all(), required=False, label=_("Job profile"), empty_label=_("All")
    )
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("All"))] + [(key, label) for key, label in STATUS_LABELS.items()],
    )
    sort = forms.ChoiceField(
        required=False,
        label=_("Sort"),
        choices=[("name", _("Name A–Z")), ("-name", _("Name Z–A"))],
    )


class AssignmentForm(forms.ModelForm):
    course = forms.ModelChoiceField(CoursePage.objects.live().order_by("title"), label=_("Course"))

    class Meta:
        model = Assignment
        fields = [
            "course",
            "job_profile",
            "due_date",
            "due_days_after_joining",
            "recurrence_months",
        ]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
