"""Self-registration by e-mail domain (see ``lms.models.registration``).

- ``email_domain_add`` / ``email_domain_verify``: an org admin names a domain and a mailbox at
  it; the link mailed there verifies the domain for the organisation (one organisation per
  domain; a domain an IdP signs in for is that IdP's).
- ``registration_route``: what the registration page does with an address: register it, hand
  over to the administration's IdP, or say whom to ask.
- ``registration_start`` → ``registration_confirm`` → (``registration_decide`` by HR where the
  organisation wants it): the account exists only once the address is confirmed; the typed
  name is not a certificate name until HR confirms it (a pending name request).

Answers never reveal whether an address has an account: an existing one gets a mail saying so.
"""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import (
    AuditEvent,
    EmailDomain,
    IdentityProvider,
    Organisation,
    Registration,
    User,
)
from .accounts import membership_set
from .audit import audit_record
from .names import name_change_request

LINK_HOURS = 48


class RegistrationError(Exception):
    pass


class WrongPassword(RegistrationError):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def _mail_after_commit(kind: str, pk: int, token: str = "") -> None:
    from ..tasks import registration_mail_task

    transaction.on_commit(
        functools.partial(registration_mail_task.delay, kind, pk, token), robust=True
    )


# --- domains -----------------------------------------------------------------------------------


def idp_for_domain(domain: str) -> IdentityProvider | None:
    for idp in IdentityProvider.objects.filter(is_active=True):
        if domain in idp.domains:
            return idp
    return None


@transaction.atomic
def email_domain_add(
    *, organisation: Organisation, domain: str, mailbox: str, by: User
) -> EmailDomain:
    """Add a domain (unverified) and mail the verification link to ``mailbox@domain``."""
    domain = domain.strip().lstrip("@").lower()
    taken = EmailDomain.objects.filter(domain=domain).exclude(organisation=organisation)
    if taken.exists():
        raise RegistrationError("domain of another organisation")
    token = secrets.token_urlsafe(32)
    email_domain, _created = EmailDomain.objects.update_or_create(
        domain=domain,
        defaults={
            "organisation": organisation,
            "verification_address": f"{mailbox.strip().lower()}@{domain}",
            "token_hash": _digest(token),
            "token_expires_at": timezone.now() + timedelta(hours=LINK_HOURS),
            "verified_at": None,
            "added_by": by,
        },
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.EMAIL_DOMAIN,
        organisation=organisation,
        detail={"domain": domain, "change": "added"},
    )
    _mail_after_commit("domain", email_domain.pk, token)
    return email_domain


@transaction.atomic
def email_domain_verify(token: str) -> EmailDomain | None:
    """Use a verification link once; None when unknown, used or expired."""
    email_domain = (
        EmailDomain.objects.select_for_update()
        .filter(token_hash=_digest(token or ""), token_expires_at__gt=timezone.now())
        .first()
    )
    if email_domain is None:
        return None
    email_domain.verified_at = timezone.now()
    email_domain.token_hash = ""
    email_domain.save(update_fields=["verified_at", "token_hash"])
    audit_record(
        actor=None,
        action=AuditEvent.Action.EMAIL_DOMAIN,
        organisation=email_domain.organisation,
        detail={"domain": email_domain.domain, "change": "verified"},
    )
    return email_domain


# --- registering -------------------------------------------------------------------------------


@dataclass
class Route:
    """What the registration page does with an address."""

    kind: str  # "open", "idp", "closed", "unknown"
    organisation: Organisation | None = None
    idp: IdentityProvider | None = None


def registration_route(email: str) -> Route:
    domain = _domain_of(email)
    idp = idp_for_domain(domain)
    if idp is not None:
        return Route("idp", idp=idp)
    found = (
        EmailDomain.objects.select_related("organisation")
        .filter(domain=domain, verified_at__isnull=False)
        .first()
    )
    if found is None:
        return Route("unknown")
    if not found.self_registration:
        return Route("closed", organisation=found.organisation)
    return Route("open", organisation=found.organisation)


@transaction.atomic
def registration_start(*, email: str, full_name: str, password: str) -> Registration | None:
    """Register an address of an open domain: mail the confirmation link. An address with an
    account gets a mail pointing to sign-in and password reset instead (None returned)."""
    email = User.objects.normalize_email(email).strip().lower()
    route = registration_route(email)
    if route.kind != "open":
        raise RegistrationError(route.kind)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _mail_after_commit("exists", existing.pk)
        return None
    Registration.objects.filter(
        email__iexact=email, status=Registration.Status.UNCONFIRMED
    ).delete()
    token = secrets.token_urlsafe(32)
    registration = Registration.objects.create(
        organisation=route.organisation,
        email=email,
        full_name=full_name.strip()[:200],
        password=make_password(password),
        token_hash=_digest(token),
        expires_at=timezone.now() + timedelta(hours=LINK_HOURS),
    )
    _mail_after_commit("confirm", registration.pk, token)
    return registration


def registration_for_token(token: str) -> Registration | None:
    return (
        Registration.objects.select_related("organisation")
        .filter(
            token_hash=_digest(token or ""),
            status=Registration.Status.UNCONFIRMED,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def registration_confirm(*, registration: Registration, password: str) -> User:
    """The address is confirmed: the account exists now, as an employee of the organisation
    (signed in at once, or after HR's approval where the organisation wants it). The typed name
    becomes a name request for HR; certificates wait for it.

    Whoever confirms must know the password chosen at registration: otherwise someone could
    register a colleague's address with a password of their own, and the colleague's click on
    the link would hand them the account."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.UNCONFIRMED:
        raise RegistrationError("already confirmed")
    if not check_password(password or "", registration.password):
        raise WrongPassword("not the password chosen at registration")
    approval = registration.organisation.registration_approval
    try:
        with transaction.atomic():
            user = User.objects.create(
                email=registration.email,
                full_name=registration.full_name,
                password=registration.password,
                name_source=User.NameSource.SELF,
                is_active=not approval,
            )
    except IntegrityError as exc:  # the address got an account meanwhile (HR, a directory)
        raise RegistrationError("address taken") from exc
    name_change_request(user=user, requested_name=registration.full_name)
    registration.user = user
    registration.confirmed_at = timezone.now()
    registration.password = ""  # the account holds the hash now
    if approval:
        registration.status = Registration.Status.AWAITING_APPROVAL
    else:
        registration.status = Registration.Status.APPROVED
        membership_set(user=user, organisation=registration.organisation)
    registration.save()
    return user


@transaction.atomic
def registration_decide(*, registration: Registration, by: User, approve: bool) -> None:
    """HR approves (the person becomes an employee and may sign in) or rejects (the account
    goes; nothing else exists yet). Nobody decides their own; audited; the person is told."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.AWAITING_APPROVAL:
        raise RegistrationError("not waiting for a decision")
    if registration.user_id == by.pk:
        raise RegistrationError("own registration")
    user = registration.user
    registration.decided_by, registration.decided_at = by, timezone.now()
    if approve:
        registration.status = Registration.Status.APPROVED
        user.is_active = True
        user.save(update_fields=["is_active"])
        membership_set(user=user, organisation=registration.organisation)
    else:
        registration.status = Registration.Status.REJECTED
    registration.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.REGISTRATION_DECIDED,
        organisation=registration.organisation,
        subject=user if approve else None,
        detail={"approved": approve},
    )
    _mail_after_commit("approved" if approve else "rejected", registration.pk)
    if not approve:
        registration.user = None
        registration.save(update_fields=["user"])
        user.delete()


def registrations_purge(now=None) -> int:
    """Daily: unconfirmed registrations whose link expired, and decided ones after 30 days
    (they hold an address and a name, and nothing needs them any more)."""
    now = now or timezone.now()
    expired = Registration.objects.filter(
        status=Registration.Status.UNCONFIRMED, expires_at__lte=now
    )
    decided = Registration.objects.filter(
        status__in=[Registration.Status.APPROVED, Registration.Status.REJECTED],
        created_at__lte=now - timedelta(days=30),
    )
    return expired.delete()[0] + decided.delete()[0]


# --- mails -------------------------------------------------------------------------------------


def registration_mail(kind: str, pk: int, token: str = "") -> bool:
    """Render and send one of the registration mails (German, like the invitation)."""
    site = settings.SITE_URL
    if kind == "domain":
        email_domain = EmailDomain.objects.select_related("organisation").get(pk=pk)
        link = site + reverse("email_domain_verify", args=[token])
        to, subject = email_domain.verification_address, "Domain bestätigen – Kommunal-Campus"
        context = {"email_domain": email_domain, "link": link, "hours": LINK_HOURS}
    elif kind == "exists":
        user = User.objects.get(pk=pk)
        to, subject = user.email, "Sie haben bereits ein Konto – Kommunal-Campus"
        context = {"user": user, "reset": site + reverse("password_reset")}
    else:
        registration = Registration.objects.select_related("organisation").get(pk=pk)
        to = registration.email
        subject = {
            "confirm": "Registrierung bestätigen – Kommunal-Campus",
            "approved": "Ihre Registrierung wurde freigegeben – Kommunal-Campus",
            "rejected": "Ihre Registrierung wurde nicht freigegeben – Kommunal-Campus",
        }[kind]
        link = site + reverse("registration_confirm", args=[token]) if token else ""
        context = {"registration": registration, "link": link, "hours": LINK_HOURS}
    body = render_to_string(
        f"lms/mail/registration_{kind}.txt", {**context, "kind": kind, "site_url": site}
    )
    send_mail(subject, body, None, [to])
    return True
