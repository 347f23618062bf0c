"""Template tags that let lms templates show certificates without lms importing this app."""

from django import template

from .. import selectors, services
from ..models import Certificate

register = template.Library()


@register.simple_tag
def learner_certificates(user) -> list[Certificate]:
    """``{% learner_certificates user as certs %}``: the person's current certificates."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(selectors.certificates_of_learner(user))


@register.simple_tag
def recertification_offer(user, course) -> Certificate | None:
    """The certificate of ``course`` that is expired or due within 90 days, if any."""
    if not getattr(user, "is_authenticated", False) or course is None:
        return None
    certificate = (
        Certificate.objects.available()
        .filter(user=user, course=course, status=Certificate.Status.ISSUED)
        .order_by("-issued_on", "-pk")
        .first()
    )
    if certificate is None or not services.recertification_due(certificate):
        return None
    if certificate.enrolment.course.enrolments.filter(
        user=user, cycle__gt=certificate.enrolment.cycle
    ).exists():
        return None
    return certificate
