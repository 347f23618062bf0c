"""The name on certificates: set by authoritative sources, changed by request and confirmation.

``User.full_name`` is how a person is addressed; they change it themselves. The name their
certificates carry (``User.verified_name``) comes from the HR record (import, admin), the
administration's IdP, or HR confirming the person's request. Nobody confirms their own request.
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ..models import AuditEvent, NameChangeRequest, User
from .audit import audit_record

# Sent (inside the transaction, with ``user``) when the name of a person who had none confirmed
# (a self-registration) is confirmed by HR or set by an authoritative source: the certificates
# held back for it are issued then (``certificates.receivers``). Only then: everyone else's
# certificates were issued at completion.
name_confirmed = Signal()


class NameChangeError(Exception):
    """A decision that may not be taken (own request, already decided)."""


def name_set_from_source(*, user: User, name: str, source: str) -> bool:
    """An authoritative source says this is the person's name; True when it changed."""
    name = name.strip()
    if not name or (user.verified_name == name and user.name_source == source):
        return False
    was_held = not user.certificate_name
    user.verified_name = name
    user.name_source = source
    user.name_verified_at = timezone.now()
    user.save(update_fields=["verified_name", "name_source", "name_verified_at"])
    NameChangeRequest.objects.filter(
        user=user, status=NameChangeRequest.Status.PENDING, requested_name=name
    ).update(status=NameChangeRequest.Status.CONFIRMED, decided_at=timezone.now())
    if was_held:
        name_confirmed.send(sender=User, user=user)
    return True


@transaction.atomic
def name_change_request(*, user: User, requested_name: str) -> NameChangeRequest | None:
    """Ask for the certificate name to become ``requested_name`` (one open request per person;
    a new wish replaces the open one). None when it is already the certificate name."""
    requested_name = requested_name.strip()
    pending = NameChangeRequest.objects.select_for_update().filter(
        user=user, status=NameChangeRequest.Status.PENDING
    )
    if requested_name == user.verified_name:
        pending.delete()  # the person went back to the confirmed name
        return None
    current = pending.first()
    if current is not None and current.requested_name == requested_name:
        return current  # asked again (e.g. the language was changed): nothing new
    request, _created = NameChangeRequest.objects.update_or_create(
        user=user,
        status=NameChangeRequest.Status.PENDING,
        defaults={
            "requested_name": requested_name,
            "previous_name": user.verified_name,
            "created_at": timezone.now(),
        },
    )
    return request


@transaction.atomic
def name_change_decide(*, request: NameChangeRequest, by: User, confirm: bool) -> None:
    """HR confirms or rejects a request (scope checked by the caller); audited."""
    request = NameChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.user_id == by.pk:
        raise NameChangeError("nobody decides their own name change")
    if request.status != NameChangeRequest.Status.PENDING:
        raise NameChangeError("already decided")
    request.status = (
        NameChangeRequest.Status.CONFIRMED if confirm else NameChangeRequest.Status.REJECTED
    )
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    if confirm:
        user = request.user
        was_held = not user.certificate_name
        user.verified_name = request.requested_name
        user.name_source = User.NameSource.HR
        user.name_verified_at = request.decided_at
        user.save(update_fields=["verified_name", "name_source", "name_verified_at"])
        if was_held:
            name_confirmed.send(sender=User, user=user)
    audit_record(
        actor=by,
        action=AuditEvent.Action.NAME_CONFIRMED if confirm else AuditEvent.Action.NAME_REJECTED,
        subject=request.user,
        detail={"previous": request.previous_name, "requested": request.requested_name},
    )
