"""Signal receivers and hooks: the completed enrolment becomes a certificate in the same
transaction."""

from . import services


def issue_on_completion(sender, enrolment, **kwargs) -> None:
    """Runs inside ``enrolment_complete``'s transaction; rendering is queued on commit."""
    services.certificate_issue(enrolment=enrolment)
