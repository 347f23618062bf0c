"""Views of the digital stocktaking; results are visible to the organisation's members only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import AssessmentForm
from .access import member_required


@member_required
def stocktaking_home(request: HttpRequest) -> HttpResponse:
    context = {
        "assessments": selectors.assessments_visible_to(request.user).order_by("-created_at")[:50],
    }
    return render(request, "cdo_network/stocktaking_home.html", context)


@member_required
def stocktaking_new(request: HttpRequest) -> HttpResponse:
    organisations = selectors.stocktaking_organisations_for(request.user).order_by("path")
    form = AssessmentForm(
        request.POST or None,
        organisations=organisations,
        initial={"organisation": organisations.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        try:
            assessment = services.assessment_complete(
                organisation=organisation, user=request.user, answers=data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your stocktaking is complete. Here are the results."))
            return redirect("cdo_network:stocktaking_result", pk=assessment.pk)
    return render(request, "cdo_network/stocktaking_form.html", {"form": form})


@member_required
def stocktaking_result(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    context = {"assessment": assessment, **selectors.assessment_report(assessment=assessment)}
    return render(request, "cdo_network/stocktaking_result.html", context)
