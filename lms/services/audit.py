"""Writing the data-protection audit log (``AuditEvent``): one row per view, export or erasure
of personal records, so org admins can answer "who looked at whose data" (DSGVO Art. 5(2))."""

from ..models import AuditEvent, Membership, Organisation, User


def _unit_of(subject: User, actor: User | None) -> Organisation | None:
    """The subject's unit the log entry belongs to: preferably one the actor may see (HR of A
    looking at someone who is also in B logs under A), else the subject's first unit."""
    from ..selectors.organisations import organisations_visible_to

    memberships = Membership.objects.filter(user=subject).select_related("organisation")
    if actor is not None:
        visible = memberships.filter(organisation__in=organisations_visible_to(actor))
        membership = visible.order_by("organisation__path").first()
        if membership is not None:
            return membership.organisation
    membership = memberships.order_by("organisation__path").first()
    return membership.organisation if membership else None


def audit_record(
    *,
    actor: User | None,
    action: str,
    organisation: Organisation | None = None,
    subject: User | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event; without ``organisation`` it is filed under the subject's unit.

    A single INSERT, so no transaction of its own (callers' transactions cover it; views log
    before the response is built, so a failed log write fails the request rather than hiding it).
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action: {action}")
    if actor is not None and not actor.is_authenticated:
        actor = None
    self_service = actor is not None and subject is not None and actor.pk == subject.pk
    if organisation is None and subject is not None and not self_service:
        # A person's own requests (their data export) stay in the platform's log: filed under
        # no unit, so their organisation's admins do not see who asked for their own data.
        organisation = _unit_of(subject, actor)
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        organisation=organisation,
        subject=subject,
        detail=detail or {},
    )
