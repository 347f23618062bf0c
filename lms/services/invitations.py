"""Invitations for people HR adds: a mail with a single-use, expiring link.

The link leads to setting a password, or, where the person's administration runs single
sign-on, to signing in with that account. Organisations that switched invitations off (on the
unit or any unit above it) never cause a mail. Sending runs in Celery after the commit and
claims ``sent_at`` first, so a retried task never mails twice.
"""

import functools
import hashlib
import secrets
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import AuditEvent, Invitation, Organisation, User
from .audit import audit_record


class InvitationState(Enum):
    ACTIVE = _("Active")
    INVITED = _("Invited")
    EXPIRED = _("Invitation expired")
    NEVER = _("Never signed in")
    OFF = _("No invitations (switched off)")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitations_enabled_for(organisation: Organisation) -> bool:
    """Off on the unit or on any unit above it means off."""
    return not Organisation.objects.filter(
        path__in=[
            organisation.path[:end]
            for end in range(organisation.steplen, len(organisation.path) + 1, organisation.steplen)
        ],
        invitations_enabled=False,
    ).exists()


@transaction.atomic
def invitation_send(
    *, user: User, organisation: Organisation, by: User | None
) -> tuple[Invitation, str] | None:
    """Create an invitation (replacing an open one) and mail it after the commit; returns the
    invitation and its token, or None when the organisation sends no invitations or the
    person already signs in."""
    if not invitations_enabled_for(organisation) or not user.is_active:
        return None
    if user.last_login is not None or user.has_usable_password():
        return None  # they can already sign in; a reset link is what they need
    Invitation.objects.filter(user=user, accepted_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        organisation=organisation,
        invited_by=by,
        token_hash=_digest(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    audit_record(
        actor=by, action=AuditEvent.Action.INVITED, organisation=organisation, subject=user
    )
    from ..tasks import invitation_mail_task

    transaction.on_commit(
        functools.partial(invitation_mail_task.delay, invitation.pk, token), robust=True
    )
    return invitation, token


def invitation_mail(*, invitation_id: int, token: str) -> bool:
    """Mail one invitation unless already mailed or replaced (the task may run twice)."""
    claimed = Invitation.objects.filter(
        pk=invitation_id, sent_at__isnull=True, token_hash=_digest(token)
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("user", "organisation").get(pk=invitation_id)
    from .sso import sso_provider_for_email

    context = {
        "invitation": invitation,
        "link": settings.SITE_URL + reverse("invitation_accept", args=[token]),
        "sso": sso_provider_for_email(invitation.user.email),
        "site_url": settings.SITE_URL,
    }
    body = render_to_string("lms/mail/invitation.txt", context)
    subject = f"Einladung zum Kommunal-Campus – {invitation.organisation.name}"
    send_mail(subject, body, None, [invitation.user.email])
    return True


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation of this link, or None (unknown, used, replaced or expired)."""
    invitation = (
        Invitation.objects.select_related("user", "organisation")
        .filter(token_hash=_digest(token or ""))
        .first()
    )
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str | None) -> User:
    """Use the link once: set the password (unless the person signs in through their IdP)."""
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise ValueError("invitation already used")
    user = invitation.user
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def invitation_states(people: list[User]) -> dict[int, tuple[InvitationState, Invitation | None]]:
    """Each person's state for HR, from one query over their invitations."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(user__in=people).order_by("created_at"):
        latest[invitation.user_id] = invitation
    states = {}
    for person in people:
        invitation = latest.get(person.pk)
        if person.last_login is not None:
            state = InvitationState.ACTIVE
        elif invitation is None:
            state = InvitationState.NEVER
        elif invitation.is_open:
            state = InvitationState.INVITED
        elif invitation.accepted_at is not None:
            state = InvitationState.NEVER  # accepted but never signed in since
        else:
            state = InvitationState.EXPIRED
        states[person.pk] = (state, invitation)
    return states
