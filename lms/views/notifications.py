"""The notification centre: the bell (its unread count, fetched by htmx after the page so no
page pays for it), the list, marking read, and how one wants to be told."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..models import Notification, NotificationPreference
from ..services import notifications as service


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lms/partials/notification_bell.html",
        {"unread": service.unread_count(request.user)},
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).only(
        "pk", "kind", "subject", "text", "url", "created_at", "read_at"
    )
    page = Paginator(rows, service.PAGE_SIZE, allow_empty_first_page=True).get_page(
        request.GET.get("seite")
    )
    return render(
        request,
        "lms/notifications.html",
        {"page_obj": page, "unread": service.unread_count(request.user)},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one (``id``) or all of one's notifications read."""
    ids = None
    if request.POST.get("id", "").isdigit():
        ids = [int(request.POST["id"])]
    marked = service.notifications_mark_read(user=request.user, ids=ids)
    if ids is None and marked:
        messages.success(request, _("All notifications are marked as read."))
    url = reverse("notification_list")
    if request.POST.get("seite", "").isdigit():
        url += f"?seite={request.POST['seite']}"
    return redirect(url)


class NotificationSettingsForm(forms.Form):
    """One choice per kind the person may change; the mandatory kinds are shown, not asked."""

    def __init__(self, *args, initial_deliveries: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            if kind in service.MANDATORY:
                continue
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=NotificationPreference.Delivery.choices,
                initial=initial_deliveries[kind],
                widget=forms.RadioSelect,
            )


MANDATORY_NOTE = gettext_lazy("Always in the app and by mail: it concerns what is required of you.")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    deliveries = service.deliveries_of(request.user)
    form = NotificationSettingsForm(request.POST or None, initial_deliveries=deliveries)
    if request.method == "POST" and form.is_valid():
        service.notification_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification_settings")
    mandatory = [
        (label, MANDATORY_NOTE)
        for kind, label in Notification.Kind.choices
        if kind in service.MANDATORY
    ]
    return render(request, "lms/notification_settings.html", {"form": form, "mandatory": mandatory})
