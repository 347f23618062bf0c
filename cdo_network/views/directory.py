"""Views of the network overview and the directory."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import ProfileForm
from ..models import EventIndexPage, Profile, ProjectIndexPage
from .access import member_required


def overview(request: HttpRequest) -> HttpResponse:
    """What the network offers, with links to every part."""
    context = {
        "event_index": EventIndexPage.objects.live().first(),
        "project_index": ProjectIndexPage.objects.live().first(),
        "is_member": selectors.is_network_member(request.user),
    }
    return render(request, "cdo_network/overview.html", context)


@member_required
def directory(request: HttpRequest) -> HttpResponse:
    context = selectors.directory_search(viewer=request.user, params=request.GET)
    context["own_profile"] = Profile.objects.filter(user=request.user).first()
    template = (
        "cdo_network/partials/directory_results.html"
        if request.htmx
        else "cdo_network/directory.html"
    )
    return render(request, template, context)


@member_required
def directory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.directory_profile(viewer=request.user, pk=pk)
    return render(request, "cdo_network/directory_detail.html", {"entry": entry})


@member_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Opt in to the directory and choose who sees which field."""
    instance = Profile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        topics = data.pop("topics")
        organisation = data.pop("organisation")
        services.profile_save(user=request.user, organisation=organisation, topics=topics, **data)
        messages.success(request, _("Your directory entry has been saved."))
        return redirect("cdo_network:directory")
    return render(
        request,
        "cdo_network/profile_form.html",
        {"form": form, "has_profile": instance is not None},
    )


@member_required
@require_POST
def profile_remove(request: HttpRequest) -> HttpResponse:
    services.profile_delete(user=request.user)
    messages.success(request, _("Your directory entry has been deleted."))
    return redirect("cdo_network:directory")
