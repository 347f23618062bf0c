"""Template filters of the CDO network."""

from django import template
from django.utils.safestring import mark_safe

from ..rendering import markdown_to_safe_html

register = template.Library()


@register.filter
def safe_markdown(text: str) -> str:
    """Markdown rendered and sanitised with nh3: the only way user text becomes HTML."""
    return mark_safe(markdown_to_safe_html(text))  # noqa: S308  (sanitised by nh3 just before)


@register.inclusion_tag("cdo_network/partials/dashboard_training_hours.html")
def training_hours_summary(user):
    """Attended network events and their training hours, for the learner's "Mein Lernen" page
    (lms shows it without importing this app)."""
    from ..selectors import training_hours_for

    summary = training_hours_for(user=user)
    return {"hours": summary["hours"], "events": list(summary["attended"][:5])}
