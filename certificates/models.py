"""Certificates: templates (Wagtail snippets), issued certificates as frozen snapshots, serial
counters and reminder records.

Every "only once" rule is a database constraint: one current certificate per enrolment, unique
serials and codes, one reminder per certificate and threshold. The services in
``certificates.services`` are the only writers.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from lms.models.exports import BackgroundExport

ISSUER_NAME = "Kompetenzzentrum Digitale Städte und Regionen"

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #004b87."))


class CertificateTemplate(ClusterableModel):
    """Wording, signatory, logo and colour of a certificate; chosen per course.

    A course uses the template that lists it, else the default template. What a template says
    is copied onto each certificate at issue, so editing a template never changes an issued one.
    """

    name = models.CharField(_("Name"), max_length=120, unique=True)
    wording = models.TextField(
        _("Wording"),
        default="hat erfolgreich an der folgenden Qualifizierung teilgenommen:",
        help_text=_("Printed between the name and the course title; line breaks are kept."),
    )
    issuer_name = models.CharField(_("Issuing body"), max_length=200, default=ISSUER_NAME)
    signatory_name = models.CharField(_("Signatory"), max_length=120)
    signatory_role = models.CharField(_("Signatory's role"), max_length=160)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Logo"),
    )
    colour = models.CharField(
        _("Accent colour"), max_length=7, default="#004b87", validators=[hex_colour]
    )
    is_default = models.BooleanField(
        _("Default template"),
        default=False,
        help_text=_("Used for every course that no other template lists."),
    )
    courses = ParentalManyToManyField(
        "courses.CoursePage", blank=True, related_name="+", verbose_name=_("Courses")
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("wording"), FieldPanel("issuer_name"), FieldPanel("colour")],
            heading=_("Text and colour"),
        ),
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_role")],
            heading=_("Signatory"),
        ),
        FieldPanel("logo"),
        FieldPanel("is_default"),
        FieldPanel("courses"),
    ]

    class Meta:
        verbose_name = _("Certificate template")
        verbose_name_plural = _("Certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="certificate_template_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SerialCounter(models.Model):
    """The last serial number used in one year; locked while a certificate is issued."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Serial counter")
        verbose_name_plural = _("Serial counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class CertificateQuerySet(models.QuerySet):
    def current(self):
        return self.exclude(status=Certificate.Status.SUPERSEDED)

    def awaiting_mail(self):
        """Rendered, current, not revoked or erased, and not mailed yet: what may be mailed."""
        return (
            self.filter(mailed_at__isnull=True, erased_at__isnull=True)
            .exclude(pdf="")
            .exclude(status__in=[Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED])
        )

    def available(self):
        """Certificates not erased with their holder (DSGVO): only these have a name and PDF."""
        return self.filter(erased_at__isnull=True)


class Certificate(models.Model):
    """One issued certificate: identifiers, the frozen snapshot, the stored PDF and its state."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    enrolment = models.ForeignKey(
        "lms.Enrolment", on_delete=models.PROTECT, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.SET_NULL, null=True, related_name="certificates"
    )
    serial = models.CharField(_("Certificate number"), max_length=32, unique=True)
    code = models.CharField(_("Verification code"), max_length=64, unique=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )

    # The frozen snapshot: what the certificate says, copied at issue.
    learner_name = models.CharField(_("Name"), max_length=200)
    course_title = models.CharField(_("Course"), max_length=255)
    content_revision = models.CharField(_("Content version"), max_length=120, blank=True)
    modules = models.JSONField(_("Modules"), default=list)
    hours = models.DecimalField(_("Hours"), max_digits=6, decimal_places=2)
    issued_on = models.DateField(_("Issued on"))
    valid_until = models.DateField(_("Valid until"), null=True, blank=True)
    issuer_name = models.CharField(_("Issuing body"), max_length=200)
    signatory_name = models.CharField(_("Signatory"), max_length=120)
    signatory_role = models.CharField(_("Signatory's role"), max_length=160)
    wording = models.TextField(_("Wording"))
    colour = models.CharField(_("Colour"), max_length=7)
    logo_file = models.CharField(max_length=255, blank=True)

    pdf = models.FileField(_("PDF"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("Reason for revocation"), blank=True)
    superseded_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    # Set on the superseded certificate when a correction replaced it.
    corrected_at = models.DateTimeField(_("Corrected at"), null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    correction_reason = models.TextField(_("Reason for correction"), blank=True)
    # Four eyes: a correction is proposed by one person and re-issued only when a second one
    # (neither the proposer nor the holder) confirms it.
    correction_proposed_name = models.CharField(_("Proposed name"), max_length=200, blank=True)
    correction_proposed_reason = models.TextField(_("Reason given"), blank=True)
    correction_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Proposed by"),
    )
    correction_proposed_at = models.DateTimeField(_("Proposed on"), null=True, blank=True)
    # Set when the holder was erased (DSGVO Art. 17): name blanked, PDF deleted, page says gone.
    # A flag rather than a status, so the partial unique constraint and the revoked/superseded
    # history stay as they were.
    erased_at = models.DateTimeField(_("Erased at"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("Certificate")
        verbose_name_plural = _("Certificates")
        constraints = [
            # Exactly one current certificate per enrolment; corrections supersede the old one.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~models.Q(status="superseded"),
                name="certificate_one_current_per_enrolment",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.serial} – {self.learner_name}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def public_state(self) -> str:
        """What the verification page says: erased, revoked, superseded, pending (PDF not yet
        rendered), expired or valid."""
        if self.erased_at is not None:
            return "erased"
        if self.status == self.Status.REVOKED:
            return "revoked"
        if self.status == self.Status.SUPERSEDED:
            return "superseded"
        if self.status == self.Status.PENDING:
            return "pending"
        if self.is_expired:
            return "expired"
        return "valid"

    @property
    def verify_path(self) -> str:
        from django.urls import reverse

        return reverse("certificate_verify", args=[self.code])

    @property
    def verify_url(self) -> str:
        return settings.SITE_URL + self.verify_path


class CertificateReminder(models.Model):
    """An expiry reminder that went out; the unique constraint makes each one go out once."""

    class Kind(models.TextChoices):
        DAYS_90 = "90", _("90 days before expiry")
        DAYS_30 = "30", _("30 days before expiry")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=2, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Expiry reminder")
        verbose_name_plural = _("Expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind"], name="certificate_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} ({self.kind})"


class CertificateExport(BackgroundExport):
    """A ZIP of an organisation unit's certificates, built by a Celery task when the unit is
    too large to stream in one request."""

    organisation = models.ForeignKey("lms.Organisation", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("Certificate export")
        verbose_name_plural = _("Certificate exports")
