"""Editors manage circles, funding programmes, standards, topics and recommendations as
Wagtail snippets; events and projects are pages."""

from wagtail.snippets.models import register_snippet

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
