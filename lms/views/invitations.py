"""Invitation links (the person) and invitation states with "send again" (HR).

The link page works without an account: it sets the password once, or hands over to the
administration's IdP. HR sees, for units in its scope only, who is invited, active, never
signed in or whose invitation expired.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..models import User
from ..selectors.hr.people import people_visible_to
from ..selectors.organisations import organisations_visible_to
from ..services.invitations import (
    invitation_accept,
    invitation_for_token,
    invitation_send,
    invitation_states,
)
from ..services.sso import sso_provider_for_email
from .sso import sso_handover_to_idp

PEOPLE_PER_PAGE = 100


@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "lms/invitation_invalid.html", status=410)
    person = invitation.user
    idp = sso_provider_for_email(person.email)
    form = SetPasswordForm(person, request.POST or None) if idp is None else None
    if request.method == "POST":
        if idp is not None:
            invitation_accept(invitation=invitation, password=None)
            return sso_handover_to_idp(request, idp, person.email)
        if form.is_valid():
            user = invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set and you are signed in."))
            return redirect("home")
    context = {"invitation": invitation, "form": form, "idp": idp}
    return render(
        request,
        "lms/invitation_accept.html",
        context,
        status=400 if form and form.is_bound else 200,
    )


@login_required
@require_GET
def hr_invitations(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(organisations_visible_to(request.user), pk=unit_id)
    people = (
        User.objects.filter(memberships__organisation__path__startswith=unit.path, is_active=True)
        .distinct()
        .order_by("full_name", "pk")
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("seite"))
    states = invitation_states(list(page.object_list))
    rows = [(person, *states[person.pk]) for person in page.object_list]
    return render(request, "lms/hr/invitations.html", {"unit": unit, "page": page, "rows": rows})


@login_required
@require_POST
def hr_invitation_send(request: HttpRequest, unit_id: int, user_id: int) -> HttpResponse:
    unit = get_object_or_404(organisations_visible_to(request.user), pk=unit_id)
    person = get_object_or_404(
        people_visible_to(request.user).filter(
            memberships__organisation__path__startswith=unit.path
        ),
        pk=user_id,
    )
    if invitation_send(user=person, organisation=unit, by=request.user) is None:
        messages.error(
            request,
            _(
                "No invitation was sent: %(person)s can already sign in, or invitations are "
                "switched off for this organisation."
            )
            % {"person": person.email},
        )
    else:
        messages.success(request, _("Invitation sent to %(person)s.") % {"person": person.email})
    return redirect("hr_invitations", unit_id=unit.pk)
