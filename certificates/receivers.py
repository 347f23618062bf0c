"""Signal receivers and hooks: the completed enrolment becomes a certificate in the same
transaction; an erased person's certificates become "no longer available"."""

from . import services


def issue_on_completion(sender, enrolment, **kwargs) -> None:
    """Runs inside ``enrolment_complete``'s transaction; rendering is queued on commit."""
    services.certificate_issue(enrolment=enrolment)


def erase_with_person(user) -> None:
    """An ``lms.services.privacy.ERASURE_HOOKS`` hook; runs inside ``person_erase``'s
    transaction, before the account is anonymised."""
    services.certificates_erase_for_person(user=user)
