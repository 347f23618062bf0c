"""Reading the data-protection audit log. Scope (org admins of the unit) is the caller's job."""

from django.db.models import QuerySet

from ..models import AuditEvent, Organisation


def audit_events_for(unit: Organisation) -> QuerySet:
    """Audit events filed under ``unit`` or one of its sub-units, newest first."""
    return (
        AuditEvent.objects.filter(organisation__path__startswith=unit.path)
        .select_related("actor", "subject", "organisation")
        .order_by("-timestamp", "-pk")
    )
