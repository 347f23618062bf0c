"""The opt-in directory of CDOs and digital staff.

Every field except the name carries its own visibility, chosen by the person: all network
members, colleagues of the same organisation, or nobody but themselves. Filters only match a
field the viewer may see, so a filter can never reveal a hidden value.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import LAENDER, SizeClass, Topic


class Visibility(models.TextChoices):
    MEMBERS = "members", _("All network members")
    ORGANISATION = "organisation", _("Colleagues of my organisation")
    PRIVATE = "private", _("Only me")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    CIRCLES = "circles", _("Through the expert circles")


def _visibility_field(label):
    return models.CharField(
        label, max_length=14, choices=Visibility.choices, default=Visibility.MEMBERS
    )


class Profile(models.Model):
    """A person's entry in the directory; exists only once they opt in."""

    # Fields whose visibility the person chooses; the name is always shown once listed.
    VISIBLE_FIELDS = ("organisation", "role_title", "topics", "bio", "contact")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cdo_profile",
        verbose_name=_("Person"),
    )
    listed = models.BooleanField(
        _("Show me in the directory"),
        default=True,
        help_text=_("Untick to remove your entry from the directory at any time."),
    )
    organisation = models.ForeignKey(
        "lms.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Organisation"),
    )
    # Denormalised from the organisation when the profile is saved, for fast filtering.
    land = models.CharField(_("State (Land)"), max_length=2, choices=LAENDER, blank=True)
    size_class = models.CharField(
        _("Size class"), max_length=10, choices=SizeClass.choices, blank=True
    )
    role_title = models.CharField(_("Position"), max_length=120, blank=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="profiles", verbose_name=_("Topics")
    )
    bio = models.TextField(_("Short biography"), max_length=1000, blank=True)
    contact_preference = models.CharField(
        _("Preferred contact"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.EMAIL,
    )
    contact_detail = models.CharField(
        _("Contact details"),
        max_length=200,
        blank=True,
        help_text=_("E-mail address or telephone number for colleagues."),
    )
    organisation_visibility = _visibility_field(_("Who sees my organisation"))
    role_title_visibility = _visibility_field(_("Who sees my position"))
    topics_visibility = _visibility_field(_("Who sees my topics"))
    bio_visibility = _visibility_field(_("Who sees my biography"))
    contact_visibility = _visibility_field(_("Who sees my contact details"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Directory profile")
        verbose_name_plural = _("Directory profiles")

    def __str__(self) -> str:
        return self.user.full_name

    def visible_to(self, field: str, viewer, viewer_organisation_ids: set[int]) -> bool:
        """Whether ``viewer`` may see ``field`` of this profile."""
        if viewer.pk == self.user_id:
            return True
        visibility = getattr(self, f"{field}_visibility")
        if visibility == Visibility.MEMBERS:
            return True
        if visibility == Visibility.ORGANISATION:
            return self.organisation_id in viewer_organisation_ids
        return False
