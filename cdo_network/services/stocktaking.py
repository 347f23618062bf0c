"""Completing a digital stocktaking: answers are validated, scores computed and stored."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms.models import Organisation, User

from ..models import QUESTIONS, Assessment, SizeClass
from ..selectors import stocktaking_organisations_for
from .directory import _facts_for


@transaction.atomic
def assessment_complete(
    *, organisation: Organisation, user: User, answers: dict[str, int]
) -> Assessment:
    """Store a completed self-assessment of ``organisation`` by one of its members."""
    if not stocktaking_organisations_for(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    scores = {}
    clean_answers = {}
    for dimension, questions in QUESTIONS.items():
        values = []
        for key, _text in questions:
            value = int(answers.get(key, 0))
            if value not in range(1, 6):
                raise ValidationError(_("Please answer every statement."))
            clean_answers[key] = value
            values.append(value)
        mean = Decimal(sum(values)) / len(values)
        scores[Assessment.SCORE_FIELDS[dimension]] = mean.quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    facts = _facts_for(organisation)
    size_class = facts.size_class if facts else SizeClass.MEDIUM
    return Assessment.objects.create(
        organisation=organisation,
        size_class=size_class,
        created_by=user,
        answers=clean_answers,
        **scores,
    )
