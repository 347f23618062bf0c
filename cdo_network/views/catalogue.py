"""Views of the funding programmes, the standards catalogue and project submission."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import ProjectSubmitForm
from ..models import FundingProgramme, ProjectIndexPage
from .access import member_required


def funding_list(request: HttpRequest) -> HttpResponse:
    """Funding programmes, filterable by "open now", Land, level and topic (public)."""
    context = selectors.funding_programmes(params=request.GET, user=request.user)
    context["is_member"] = selectors.is_network_member(request.user)
    return render(request, "cdo_network/funding_list.html", context)


@member_required
@require_POST
def funding_subscribe(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(FundingProgramme, pk=pk)
    subscribed = services.funding_subscription_set(
        programme=programme, user=request.user, subscribed=request.POST.get("subscribe") == "1"
    )
    if subscribed:
        messages.success(
            request,
            _("We will remind you before the deadline of “%(name)s”.") % {"name": programme.name},
        )
    else:
        messages.success(
            request, _("Reminders for “%(name)s” are switched off.") % {"name": programme.name}
        )
    return redirect(f"{reverse('cdo_network:funding_list')}#programme-{programme.pk}")


def standards_list(request: HttpRequest) -> HttpResponse:
    """What each standard is for, who maintains it, which courses teach it (public)."""
    return render(
        request, "cdo_network/standards_list.html", {"standards": selectors.standards_list()}
    )


@member_required
def project_submit(request: HttpRequest) -> HttpResponse:
    """Members describe a project; it is published only after editorial review."""
    index = ProjectIndexPage.objects.live().first()
    if index is None:
        raise Http404
    form = ProjectSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.project_submit(index=index, user=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Thank you! Your project has been submitted and will be published after review."),
        )
        return redirect(index.url)
    return render(request, "cdo_network/project_submit.html", {"form": form, "index": index})
