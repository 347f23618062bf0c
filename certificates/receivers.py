"""Signal receivers and hooks: the completed enrolment becomes a certificate in the same
transaction."""

from . import services


def issue_on_completion(sender, enrolment, **kwargs) -> None:
    """Runs inside ``enrolment_complete``'s transaction; rendering is queued on commit."""
    services.certificate_issue(enrolment=enrolment)


def issue_held(sender, user, **kwargs) -> None:
    """The person's name was confirmed: issue the certificates held back for it (completed
    enrolments without a certificate)."""
    from lms.models import Enrolment

    from .models import Certificate

    completed = Enrolment.objects.filter(user=user, status=Enrolment.Status.COMPLETED).exclude(
        pk__in=Certificate.objects.filter(user=user).values("enrolment_id")
    )
    for enrolment in completed.select_related("user"):
        services.certificate_issue(enrolment=enrolment)
