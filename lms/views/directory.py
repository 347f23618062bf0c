"""Directory connection (SCIM) of a unit, for its organisation admins: create a token (shown
once), revoke it, and say where the members of each directory group work.

Only org admins (``manage_members``) of the unit or a unit above reach it; another
municipality's unit, token or group is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from ..models import JobProfile, Organisation, ScimGroup, ScimToken
from ..services.scim import scim_group_placement_set, scim_token_create, scim_token_revoke
from .hr import managed_unit


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the directory"),
        max_length=120,
        help_text=gettext_lazy("e.g. “Entra ID Stadt Köln”"),
    )


class GroupPlacementForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Members work in"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("– not mapped –"),
    )
    job_profile = forms.ModelChoiceField(
        label=gettext_lazy("Members have the job profile"),
        queryset=JobProfile.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("– none –"),
    )

    def __init__(self, *args, root: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organisation.objects.filter(
            path__startswith=root.path
        ).order_by("path")


@login_required
@never_cache
def hr_directory(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = managed_unit(request, unit_id)
    form = TokenForm(request.POST if request.POST.get("action") == "create" else None)
    secret = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create" and form.is_valid():
            created = scim_token_create(
                organisation=unit, name=form.cleaned_data["name"], by=request.user
            )
            secret, form = created.secret, TokenForm()
            messages.success(request, _("The token was created. Copy it now: it is shown once."))
        elif action == "revoke":
            token = get_object_or_404(ScimToken, organisation=unit, pk=request.POST.get("token"))
            scim_token_revoke(token=token, by=request.user)
            messages.success(request, _("The token was revoked."))
            return redirect("hr_directory", unit_id=unit.pk)
        elif action == "place":
            group = get_object_or_404(ScimGroup, organisation=unit, pk=request.POST.get("group"))
            placement = GroupPlacementForm(request.POST, root=unit, prefix=f"g{group.pk}")
            if placement.is_valid():
                scim_group_placement_set(group=group, **placement.cleaned_data)
                messages.success(request, _("The group mapping was saved."))
                return redirect("hr_directory", unit_id=unit.pk)
            messages.error(request, _("Please choose a unit of this organisation."))
    groups = [
        (
            group,
            GroupPlacementForm(
                initial={"unit": group.unit_id, "job_profile": group.job_profile_id},
                root=unit,
                prefix=f"g{group.pk}",
            ),
        )
        for group in ScimGroup.objects.filter(organisation=unit).select_related("unit")
    ]
    context = {
        "unit": unit,
        "form": form,
        "secret": secret,
        "scim_url": request.build_absolute_uri("/scim/v2"),
        "tokens": ScimToken.objects.filter(organisation=unit).select_related("created_by"),
        "groups": groups,
    }
    return render(request, "lms/hr/directory.html", context, status=400 if form.errors else 200)
