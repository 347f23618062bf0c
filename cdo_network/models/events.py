"""Events of the network as Wagtail pages, with registration and a waiting list.

Times are stored in UTC and shown in Europe/Berlin. Capacity rules live in
``cdo_network.services.events``; the page only holds content.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class EventIndexPage(Page):
    """The list of upcoming and past events."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cdo_network.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Event list")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import events_for_index

        context = super().get_context(request, *args, **kwargs)
        context.update(events_for_index(index=self), network_section="events")
        return context


class EventPage(Page):
    """One event: when, where, how many seats, who organises it."""

    start = models.DateTimeField(_("Start"))
    end = models.DateTimeField(_("End"))
    location = models.CharField(_("Place"), max_length=255, blank=True)
    online_url = models.URLField(_("Online link"), blank=True)
    capacity = models.PositiveIntegerField(_("Seats"), default=30)
    registration_open = models.BooleanField(_("Registration open"), default=True)
    training_hours = models.DecimalField(
        _("Training hours"),
        max_digits=4,
        decimal_places=1,
        default=0,
        help_text=_("Hours credited to attendees' training record."),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Organiser"),
    )
    summary = models.CharField(_("Summary"), max_length=300, blank=True)
    body = RichTextField(_("Description"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("start"),
                FieldPanel("end"),
                FieldPanel("location"),
                FieldPanel("online_url"),
            ],
            heading=_("Date and place"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldPanel("registration_open"),
                FieldPanel("training_hours"),
                FieldPanel("organiser"),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cdo_network.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Event")
        verbose_name_plural = _("Events")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import event_state_for

        context = super().get_context(request, *args, **kwargs)
        context.update(event_state_for(event=self, user=request.user), network_section="events")
        return context


class Registration(models.Model):
    """A person's seat (or place on the waiting list) for an event."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    # Position in the queue: the time of (re-)registration; the pk breaks ties.
    queued_at = models.DateTimeField()
    attended = models.BooleanField(_("Attended"), default=False)
    attendance_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Registration")
        verbose_name_plural = _("Registrations")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="registration_once")]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.event} ({self.status})"
