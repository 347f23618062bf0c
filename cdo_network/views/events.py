"""Registration, calendar files and attendance for event pages (served by Wagtail)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..models import EventPage, Registration
from ..rendering import CalendarEntry, event_uid, render_ical
from .access import member_required


def _live_event(pk: int) -> EventPage:
    return get_object_or_404(EventPage.objects.live(), pk=pk)


@member_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _live_event(pk)
    try:
        registration = services.registration_create(event=event, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("You are registered. Your seat is confirmed."))
        else:
            messages.success(
                request,
                _(
                    "The event is full. You are on the waiting list and move up automatically "
                    "when a seat becomes free."
                ),
            )
    return redirect(event.url)


@member_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _live_event(pk)
    services.registration_cancel(event=event, user=request.user)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect(event.url)


def _entry(event: EventPage, request, *, with_online_link: bool = False) -> CalendarEntry:
    """Calendar data of an event; the online link only for people holding a seat."""
    place = event.location or (_("Online") if event.online_url else "")
    description = strip_tags(event.summary or "")
    if event.online_url and with_online_link:
        place = place if event.location else event.online_url
        description = f"{description}\n{_('Online link')}: {event.online_url}".strip()
    return CalendarEntry(
        uid=event_uid(event.pk),
        title=event.title,
        start=event.start,
        end=event.end,
        location=place,
        url=request.build_absolute_uri(event.url),
        description=description,
    )


def _ical_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """One event as an .ics file (events are public, like their pages); participants with a
    confirmed seat also get the online link."""
    event = _live_event(pk)
    confirmed = (
        request.user.is_authenticated
        and Registration.objects.filter(
            event=event, user=request.user, status=Registration.Status.CONFIRMED
        ).exists()
    )
    body = render_ical([_entry(event, request, with_online_link=confirmed)], name=event.title)
    return _ical_response(body, f"veranstaltung-{event.pk}.ics")


def events_feed(request: HttpRequest) -> HttpResponse:
    """A subscribable calendar of all network events (the last 90 days and everything ahead)."""
    body = render_ical(
        [_entry(event, request) for event in selectors.events_for_feed()],
        name=f"{settings.WAGTAIL_SITE_NAME} – {_('CDO network events')}",
    )
    return _ical_response(body, "cdo-netzwerk.ics")


@member_required
def my_events(request: HttpRequest) -> HttpResponse:
    """My registrations and the training hours attended events earned me."""
    context = {
        "registrations": selectors.registrations_of(user=request.user),
        **selectors.training_hours_for(user=request.user),
    }
    return render(request, "cdo_network/my_events.html", context)


@member_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser ticks who attended; attended hours count in the learners' records."""
    event = _live_event(pk)
    if not (request.user.is_superuser or event.organiser_id == request.user.pk):
        raise Http404
    if request.method == "POST":
        ids = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
        count = services.attendance_confirm(
            event=event, organiser=request.user, attended_user_ids=ids
        )
        messages.success(
            request, _("Attendance saved: %(count)s people attended.") % {"count": count}
        )
        return redirect("cdo_network:event_attendance", pk=event.pk)
    context = {"event": event, "participants": selectors.event_participants(event=event)}
    return render(request, "cdo_network/attendance.html", context)
