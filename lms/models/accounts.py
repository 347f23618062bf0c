"""Accounts and the organisation tree.

Organisations form a tree (Land > Kreis / kreisfreie Stadt > Gemeinde > Amt / Fachbereich) stored
as a materialised path (django-treebeard), so "this unit and everything below it" is one
``path LIKE 'prefix%'`` query. HR and org-admin rights are django-guardian object permissions on
an organisation; they cover its sub-units (see ``lms.selectors.organisations_visible_to``).
"""

import re

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from treebeard.mp_tree import MP_Node

from ..managers import UserManager

AGS_PATTERN = re.compile(r"^\d{8}$")
LAND_CODES = {f"{number:02d}" for number in range(1, 17)}


# What erasure (``lms.services.privacy.person_erase``) leaves of a person: this name and an
# address on this domain. The address is the mark other code recognises an erased account by.
ERASED_NAME = "Gelöschte Person"
ERASED_EMAIL_DOMAIN = "@invalid.example"


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the platform; logs in with an e-mail address (case-insensitive)."""

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    # unique=True plus the case-insensitive constraint below: "A@x.de" and "a@x.de" are one person.
    email = models.EmailField(_("E-mail address"), max_length=254, unique=True)

    class NameSource(models.TextChoices):
        HR = "hr", _("HR record")
        IDP = "idp", _("Administration's account (single sign-on)")
        ADMIN = "admin", _("Platform administration")
        # Registered themselves: the name they typed waits for HR (no certificate name yet).
        SELF = "self", _("Self-registration (not yet confirmed)")

    full_name = models.CharField(
        _("Full name"),
        max_length=200,
        help_text=_("How you are addressed on the platform."),
    )
    # The name certificates carry: only an authoritative source sets it (the HR record, the
    # administration's IdP, HR confirming a requested change), never the person alone.
    verified_name = models.CharField(_("Name on certificates"), max_length=200, blank=True)
    name_source = models.CharField(
        _("Name confirmed by"), max_length=8, choices=NameSource.choices, blank=True
    )
    name_verified_at = models.DateTimeField(_("Name confirmed on"), null=True, blank=True)
    preferred_language = models.CharField(
        _("Preferred language"), max_length=8, choices=Language.choices, default=Language.GERMAN
    )
    is_active = models.BooleanField(_("Active"), default=True)
    is_staff = models.BooleanField(
        _("Staff access"),
        default=False,
        help_text=_("May log in to the Django admin."),
    )
    date_joined = models.DateTimeField(_("Registered on"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("People")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        # the HR matrix pages people by name: an index walk stops after one page
        indexes = [models.Index(fields=["full_name", "id"], name="user_full_name_id")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)
        clash = User.objects.filter(email__iexact=self.email).exclude(pk=self.pk)
        if self.email and clash.exists():
            raise ValidationError(
                {"email": _("This e-mail address is already in use.")}, code="unique"
            )

    def save(self, *args, **kwargs):
        # Accounts are created by HR (import, admin), the IdP or the platform admins, so the
        # name given at creation is authoritative; later changes by the person are requests.
        # A self-registered person's name is not: it waits for HR's confirmation.
        unconfirmed = self.name_source == self.NameSource.SELF
        if self._state.adding and not self.verified_name and self.full_name and not unconfirmed:
            self.verified_name = self.full_name
            self.name_source = self.name_source or self.NameSource.ADMIN
            self.name_verified_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def certificate_name(self) -> str:
        """The confirmed name; empty while a self-registered person's name waits for HR (no
        certificate is issued until then)."""
        if self.name_source == self.NameSource.SELF and not self.verified_name:
            return ""
        return self.verified_name or self.full_name

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def validate_ags(value: str) -> None:
    """An Amtlicher Gemeindeschlüssel is 8 digits and starts with a Land code 01–16."""
    if not AGS_PATTERN.match(value or ""):
        raise ValidationError(
            _("The official municipality key (AGS) consists of exactly 8 digits."),
            code="ags_format",
        )
    if value[:2] not in LAND_CODES:
        raise ValidationError(
            _("The official municipality key (AGS) starts with a state code from 01 to 16."),
            code="ags_land",
        )


class Organisation(MP_Node):
    """A public body or one of its units, placed in the administrative tree."""

    class Kind(models.TextChoices):
        LAND = "land", _("State (Land)")
        KREIS = "kreis", _("District (Kreis)")
        KREISFREIE_STADT = "kreisfreie_stadt", _("District-free city")
        GEMEINDE = "gemeinde", _("Municipality")
        AMT = "amt", _("Office / department")

    # Which kinds may sit directly below which: authors cannot build an impossible tree.
    ALLOWED_PARENTS = {
        Kind.LAND: set(),
        Kind.KREIS: {Kind.LAND},
        Kind.KREISFREIE_STADT: {Kind.LAND},
        Kind.GEMEINDE: {Kind.KREIS},
        Kind.AMT: {Kind.KREIS, Kind.KREISFREIE_STADT, Kind.GEMEINDE, Kind.AMT},
    }
    KINDS_WITH_AGS = {Kind.KREISFREIE_STADT, Kind.GEMEINDE}

    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Type"), max_length=20, choices=Kind.choices)
    ags = models.CharField(
        _("Official municipality key (AGS)"),
        max_length=8,
        blank=True,
        validators=[validate_ags],
        help_text=_("8 digits, only for municipalities and district-free cities."),
    )

    invitations_enabled = models.BooleanField(
        _("Send invitation mails"),
        default=True,
        help_text=_(
            "People HR adds get a mail with a link to set their password or to sign in through "
            "the administration's account. Switched off here or above, no invitation is sent."
        ),
    )

    registration_approval = models.BooleanField(
        _("HR approves self-registrations"),
        default=False,
        help_text=_(
            "People who register with an address of the organisation's domains can sign in "
            "only after HR approved them."
        ),
    )

    leaver_retention_years = models.PositiveSmallIntegerField(
        _("Keep former staff for (years)"),
        default=3,
        help_text=_(
            "After this many years from leaving, a former employee's account, learning records "
            "and certificates are erased like a deletion request. 0 keeps them until deleted by "
            "hand."
        ),
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["ags"], condition=~models.Q(ags=""), name="organisation_ags_unique"
            ),
        ]
        permissions = [
            ("view_hr_records", _("Can view the qualification records of staff")),
            ("manage_members", _("Can manage members and roles")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.ags and self.kind not in self.KINDS_WITH_AGS:
            raise ValidationError(
                {"ags": _("Only municipalities and district-free cities have a municipality key.")}
            )
        if self.kind in self.KINDS_WITH_AGS and not self.ags:
            raise ValidationError({"ags": _("Please enter the official municipality key.")})


class OrganisationUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key for guardian: permission checks join on an integer, not a string."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class JobProfile(models.Model):
    """A job profile (e.g. CDO, Vergabestelle) that says which qualifications someone needs."""

    name = models.CharField(_("Job title"), max_length=120, unique=True)
    description = models.TextField(_("Description"), blank=True)
    required_courses = models.ManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="required_by_profiles",
        verbose_name=_("Required qualifications"),
        help_text=_("Courses everyone with this job profile must hold."),
    )

    class Meta:
        verbose_name = _("Job profile")
        verbose_name_plural = _("Job profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in an organisation unit: their role there and their job profiles."""

    class Role(models.TextChoices):
        LEARNER = "learner", _("Employee")
        TRAINER = "trainer", _("Trainer")
        HR = "hr", _("HR")
        ORG_ADMIN = "org_admin", _("Organisation admin")

    # Object permissions each role carries on its organisation (and, by the tree, its sub-units).
    ROLE_PERMISSIONS = {
        Role.LEARNER: (),
        Role.TRAINER: (),
        Role.HR: ("view_hr_records",),
        Role.ORG_ADMIN: ("view_hr_records", "manage_members"),
    }

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Organisation"),
    )
    role = models.CharField(_("Role"), max_length=20, choices=Role.choices, default=Role.LEARNER)
    job_profiles = models.ManyToManyField(
        JobProfile, blank=True, related_name="memberships", verbose_name=_("Job profiles")
    )
    joined_on = models.DateField(_("Joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("Membership")
        verbose_name_plural = _("Memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_user_organisation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name} – {self.organisation} ({self.get_role_display()})"
