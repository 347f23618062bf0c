"""Forms of the HR area."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import CoursePage

from .models import Assignment, ExamTimeExtension, JobProfile
from .selectors.hr.cells import STATUS_LABELS


class MatrixFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Name"),
        help_text=_("Part of a first or family name; case and accents do not matter."),
    )
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

    confirm_past_due_date = forms.BooleanField(
        label=_("Yes, the due date lies in the past: everyone not yet done is overdue at once."),
        required=False,
        widget=forms.HiddenInput,  # shown (as a checkbox) only when the date is in the past
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.past_due_date = False

    def clean(self):
        cleaned = super().clean()
        due = cleaned.get("due_date")
        if due and due < timezone.localdate() and not cleaned.get("confirm_past_due_date"):
            self.past_due_date = True
            self.fields["confirm_past_due_date"].widget = forms.CheckboxInput()
            self.add_error(
                "due_date",
                _(
                    "This due date is in the past: everyone in the unit who has not completed "
                    "the course would be overdue at once. Correct the date, or confirm below."
                ),
            )
        return cleaned


MAX_PROOF_BYTES = 10 * 1024 * 1024


class ExternalQualificationForm(forms.Form):
    """Upload of a proof of external training: PDF only (checked by content), at most 10 MB."""

    course = forms.ModelChoiceField(
        CoursePage.objects.live().order_by("title"),
        label=_("Qualification"),
        help_text=_("The course of the platform this training stands for."),
    )
    title = forms.CharField(label=_("Title of the training"), max_length=255)
    provider = forms.CharField(label=_("Provider"), max_length=255)
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the qualification does not expire."),
    )
    file = forms.FileField(
        label=_("Proof (PDF)"),
        help_text=_("A PDF file of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PROOF_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 10 MB. Please upload a smaller PDF."), code="too_large"
            )
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            if upload.name.lower().endswith(".pdf"):
                raise forms.ValidationError(
                    _("The file is named .pdf but is not a PDF document."), code="fake_pdf"
                )
            raise forms.ValidationError(_("Only PDF files can be uploaded."), code="not_pdf")
        return upload

    def clean(self):
        cleaned = super().clean()
        done, until = cleaned.get("completed_on"), cleaned.get("valid_until")
        if done and until and until < done:
            self.add_error("valid_until", _("“Valid until” cannot be before the completion date."))
        return cleaned


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", pgettext_lazy("external qualification", "Approve")),
            ("reject", pgettext_lazy("external qualification", "Reject")),
        ]
    )


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: Name; E-Mail; Einheit; Stellenprofil (header row first, "
            "semicolon or comma separated). At most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload


class TimeExtensionForm(forms.Form):
    """Extra time in timed quizzes (Nachteilsausgleich): a percentage, never a reason."""

    extra_percent = forms.TypedChoiceField(
        label=_("Extra time in timed quizzes"),
        coerce=int,
        choices=[(0, _("No extra time"))] + list(ExamTimeExtension.Extra.choices),
    )


class CourseTimeExtensionForm(TimeExtensionForm):
    email = forms.EmailField(label=_("E-mail address of the enrolled person"))
