"""HR confirms or rejects the name changes people of its organisations ask for.

Only HR of an organisation the person belongs to sees the request (a neighbouring
municipality's gets a 404), and nobody decides their own (refused in the service too).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import NameChangeRequest
from ..selectors.hr.people import people_visible_to
from ..selectors.organisations import organisations_visible_to
from ..services.names import NameChangeError, name_change_decide


def _requests_visible_to(user):
    return (
        NameChangeRequest.objects.filter(
            status=NameChangeRequest.Status.PENDING, user__in=people_visible_to(user)
        )
        .exclude(user=user)
        .select_related("user")
    )


@login_required
@require_GET
def name_requests(request: HttpRequest) -> HttpResponse:
    if not organisations_visible_to(request.user).exists():
        raise Http404
    pending = list(_requests_visible_to(request.user).order_by("created_at"))
    return render(request, "lms/hr/name_requests.html", {"pending": pending})


@login_required
@require_POST
def name_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    name_request = get_object_or_404(_requests_visible_to(request.user), pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    try:
        name_change_decide(request=name_request, by=request.user, confirm=confirm)
    except NameChangeError:
        messages.error(request, _("This request has already been decided."))
    else:
        if confirm:
            message = _("Confirmed: certificates of %(person)s now carry “%(name)s”.")
        else:
            message = _("Rejected: certificates of %(person)s keep “%(name)s”.")
        name = name_request.requested_name if confirm else name_request.previous_name
        messages.success(request, message % {"person": name_request.user.email, "name": name})
    return redirect("hr_name_requests")
