"""Template tags of course pages."""

from django import template

from ..quiz import present_question

register = template.Library()


@register.simple_tag
def present_block(kind, value, block_id):
    """A question block as the learner may see it (no solution)."""
    return present_question(kind, value, block_id or "preview")
