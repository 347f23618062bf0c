"""Editors manage circles, funding programmes, standards, topics and recommendations as
Wagtail snippets; events and projects are pages. Platform admins see the course demand report."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.snippets.models import register_snippet

from . import selectors
from .models import (
    ExpertCircle,
    FundingProgramme,
    MunicipalityFacts,
    Recommendation,
    Standard,
    Topic,
)

for model in (ExpertCircle, FundingProgramme, Standard, Topic, Recommendation, MunicipalityFacts):
    register_snippet(model)


# --- Course demand: topics that standards and stocktakings point to without a course ----------


def course_demand_view(request):
    """Platform admins only (the competence centre decides what to write next)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    return TemplateResponse(
        request, "cdo_network/admin/course_demand.html", {"rows": selectors.course_demand()}
    )


@hooks.register("register_admin_urls")
def course_demand_urls():
    return [path("kursbedarf/", course_demand_view, name="cdo_network_course_demand")]


@hooks.register("register_reports_menu_item")
def course_demand_menu_item():
    return AdminOnlyMenuItem(
        _("Course demand"), reverse("cdo_network_course_demand"), icon_name="help", order=900
    )
