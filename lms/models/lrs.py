"""Learning record stores the learning record is forwarded to (a Land's LRS, the competence
centre's), and one row per statement delivered to each: exactly once per statement and store."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from ..xapi import VERB_DISPLAY


class LrsEndpointForm(WagtailAdminModelForm):
    """The event filter as check boxes instead of a JSON text field."""

    verbs = forms.MultipleChoiceField(
        label=_("Only these events"),
        choices=[(verb, f"{german} ({verb})") for verb, (german, _en) in VERB_DISPLAY.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all events."),
    )


class LrsEndpoint(models.Model):
    """An xAPI 1.0.3 learning record store: where to send, as whom, and which statements."""

    name = models.CharField(_("Name"), max_length=200)
    url = models.URLField(
        _("xAPI endpoint"),
        max_length=300,
        help_text=_(
            "The LRS's xAPI base URL; statements go to <base>/statements, "
            "e.g. https://lrs.land-nrw.de/xAPI/"
        ),
    )
    username = models.CharField(_("User name (HTTP Basic)"), max_length=200, blank=True)
    password = models.CharField(_("Password (HTTP Basic)"), max_length=500, blank=True)
    organisations = models.ManyToManyField(
        "lms.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("Only people of these organisations"),
        help_text=_(
            "With their units and, for a Land or district, the municipalities below it. Empty: "
            "everybody."
        ),
    )
    verbs = models.JSONField(
        _("Only these events"),
        default=list,
        blank=True,
        help_text=_("Empty: all events."),
    )
    batch_size = models.PositiveSmallIntegerField(_("Statements per request"), default=200)
    is_active = models.BooleanField(_("Active"), default=True)
    # Delivery state, written by lms.services.lrs only.
    failures = models.PositiveIntegerField(_("Failed attempts in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    last_error = models.TextField(_("Last error"), blank=True)
    last_delivered_at = models.DateTimeField(_("Last delivery"), null=True, blank=True)

    base_form_class = LrsEndpointForm
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        MultiFieldPanel([FieldPanel("username"), FieldPanel("password")], heading=_("Access")),
        MultiFieldPanel(
            [FieldPanel("organisations"), FieldPanel("verbs")], heading=_("Which statements")
        ),
        FieldPanel("batch_size"),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("Learning record store")
        verbose_name_plural = _("Learning record stores")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def statements_url(self) -> str:
        return self.url.rstrip("/") + "/statements"


class LrsDelivery(models.Model):
    """Statement ``statement`` was accepted by ``endpoint``: never sent there again."""

    endpoint = models.ForeignKey(LrsEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    statement = models.ForeignKey(
        "lms.LearningStatement", on_delete=models.CASCADE, related_name="deliveries"
    )
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Delivery to a learning record store")
        verbose_name_plural = _("Deliveries to learning record stores")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "statement"], name="lrs_delivery_once_per_statement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} → {self.endpoint_id}"
