"""HR ends an employment and sees its former staff.

Scoped like every HR view: a person or unit outside the HR user's organisations is a 404, and
nobody ends their own employment here.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ..models import Departure, Membership
from ..selectors import organisations_visible_to
from ..selectors.hr.people import people_visible_to
from ..services.departures import employment_end, erase_on

PEOPLE_PER_PAGE = 50


class EmploymentEndForm(forms.Form):
    left_on = forms.DateField(
        label=gettext_lazy("Last working day"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def hr_employment_end(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(
        people_visible_to(request.user).exclude(pk=request.user.pk), pk=user_id
    )
    visible = organisations_visible_to(request.user)
    memberships = list(
        Membership.objects.filter(user=person, organisation__in=visible).select_related(
            "organisation"
        )
    )
    form = EmploymentEndForm(
        request.POST if request.method == "POST" else None,
        initial={"left_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        for membership in memberships:
            if Membership.objects.filter(pk=membership.pk).exists():  # a parent ended it already
                employment_end(
                    user=person,
                    unit=membership.organisation,
                    by=request.user,
                    left_on=form.cleaned_data["left_on"],
                )
        messages.success(
            request,
            _("The employment of %(name)s has ended. Their certificates stay valid.")
            % {"name": person.full_name},
        )
        return redirect("hr_former_staff", unit_id=memberships[0].organisation_id)
    context = {"person": person, "memberships": memberships, "form": form}
    return render(request, "lms/hr/employment_end.html", context)


@login_required
@require_GET
def hr_former_staff(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(organisations_visible_to(request.user), pk=unit_id)
    departures = (
        Departure.objects.filter(organisation__path__startswith=unit.path, returned_at__isnull=True)
        .select_related("user", "organisation", "ended_by")
        .annotate(certificate_count=Count("user__certificates", distinct=True))
        .order_by("-left_on", "user__full_name", "pk")
    )
    page = Paginator(departures, PEOPLE_PER_PAGE).get_page(request.GET.get("seite"))
    rows = [(departure, erase_on(departure)) for departure in page.object_list]
    return render(request, "lms/hr/former_staff.html", {"unit": unit, "page": page, "rows": rows})
