"""Read queries of the certificates app: the learner's list, HR's scoped list, look-ups."""

from django.db.models import Exists, OuterRef, QuerySet

from lms.models import Membership, Organisation, User
from lms.selectors import organisations_visible_to

from .codes import canonical_verification_code
from .models import Certificate


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this public code: a typable code however it was typed (case,
    spaces, hyphens; its check symbol must hold), an older code exactly. Never a prefix."""
    if not code or len(code) > 64:
        return None
    code = canonical_verification_code(code) or code
    return Certificate.objects.filter(code=code).first()


def certificate_by_sha256(digest: str) -> Certificate | None:
    """The issued certificate whose stored PDF has this SHA-256. A certificate still pending
    (its PDF not finished) or erased with its holder never matches."""
    if not digest:
        return None
    return (
        Certificate.objects.available()
        .filter(sha256=digest)
        .exclude(status=Certificate.Status.PENDING)
        .first()
    )


def certificate_replacement(certificate: Certificate) -> Certificate | None:
    """For a superseded certificate, the one that replaced it now (following later
    corrections); ``None`` when there is none or it was revoked or erased, so a verification
    page never points to a certificate that is not valid."""
    replacement, seen = certificate.superseded_by, {certificate.pk}
    while (
        replacement is not None
        and replacement.status == Certificate.Status.SUPERSEDED
        and replacement.superseded_by_id is not None
        and replacement.pk not in seen
    ):
        seen.add(replacement.pk)
        replacement = replacement.superseded_by
    if replacement is None or replacement.public_state in ("revoked", "erased", "superseded"):
        return None
    return replacement


def certificates_of_learner(user: User) -> QuerySet:
    """A person's current certificates, newest first (one query)."""
    return (
        Certificate.objects.current()
        .available()
        .filter(user=user)
        .order_by("-issued_on", "-pk")
        .only(
            "pk",
            "code",
            "serial",
            "status",
            "course_title",
            "course_id",
            "issued_on",
            "valid_until",
            "pdf",
            "user_id",
            "erased_at",
        )
    )


def certificates_visible_to(user: User, organisations: QuerySet | None = None) -> QuerySet:
    """Certificates of people who are members of organisations ``user`` may see as HR
    (superusers: all). Pass ``organisations`` to narrow to a subset of those."""
    visible = organisations_visible_to(user)
    if organisations is not None:
        visible = visible.filter(pk__in=organisations.values("pk"))
    member = Membership.objects.filter(user=OuterRef("user"), organisation__in=visible)
    return Certificate.objects.filter(Exists(member))


def hr_certificate_list(user: User, organisation: Organisation | None = None) -> QuerySet:
    organisations = None
    if organisation is not None:
        organisations = Organisation.objects.filter(path__startswith=organisation.path)
    return (
        certificates_visible_to(user, organisations)
        .select_related("user")
        .order_by("-issued_on", "-pk")
    )


def certificates_for_export(user: User, organisation: Organisation):
    """Current certificates with a PDF of an organisation unit and its sub-units, for the ZIP
    (streamed with ``iterator``: memory stays flat however large the unit)."""
    subtree = Organisation.objects.filter(path__startswith=organisation.path)
    return (
        certificates_visible_to(user, subtree)
        .current()
        .available()
        .exclude(pdf="")
        .order_by("serial")
        .only("pk", "serial", "learner_name", "issued_on", "pdf")
    )
