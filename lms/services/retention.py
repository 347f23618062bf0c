"""Storage limitation (DSGVO Art. 5(1)(e)): each kind of personal data is deleted after its
retention period (``settings.RETENTION_DAYS``), by a daily beat task that logs what it deleted.

- ``login_logs``: django-axes' sign-in records and failures (address, IP, browser).
- ``audit_log``: the data-protection access log (``AuditEvent``).
- ``learning_statements``: the xAPI learning record (``LearningStatement``); enrolments,
  progress and certificates stay, they are the qualification itself.
- ``accessibility_feedback``: messages sent with the accessibility feedback form.
- ``people_syncs``: uploaded HR exports and their compared rows (``PeopleSync``).
- ``leavers``: accounts that belong to no organisation any more, hold no staff role and have
  not signed in for this long are erased like "Person löschen" (``person_erase``).
- ``former_staff``: people whose employment HR (or a sync, or SCIM) ended are erased when the
  retention period of the organisation they left has passed (``Organisation.
  leaver_retention_years``, default 3 years; ``lms.services.departures``).

Exports have their own, shorter period (``EXPORT_RETENTION_DAYS``, ``export_retention``). A
period of 0 switches that kind off. Idempotent: a second run finds nothing more to delete.
"""

import logging
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import AccessibilityFeedback, AuditEvent, LearningStatement, PeopleSync, User
from .departures import former_staff_due
from .privacy import ERASED_EMAIL_DOMAIN, person_erase
from .stored_files import stored_files_delete_after_commit

logger = logging.getLogger(__name__)


def _cutoff(kind: str, now: datetime) -> datetime | None:
    days = settings.RETENTION_DAYS.get(kind, 0)
    return now - timedelta(days=days) if days > 0 else None


def _login_logs_purge(cutoff: datetime) -> int:
    deleted = 0
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", name)
        deleted += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


def leavers_due(cutoff: datetime):
    """People who left: no membership, no staff role or group, not signed in since ``cutoff``
    (never signed in: joined before it), not erased yet."""
    return (
        User.objects.filter(memberships__isnull=True, groups__isnull=True)
        .filter(departures__isnull=True)  # former staff: their organisation's period counts
        .filter(is_staff=False, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(email__endswith=ERASED_EMAIL_DOMAIN)
        .distinct()
    )


def retention_enforce(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is past its retention period; returns (and logs) the count per kind."""
    now = now or timezone.now()
    deleted: dict[str, int] = {}
    if cutoff := _cutoff("login_logs", now):
        deleted["login_logs"] = _login_logs_purge(cutoff)
    if cutoff := _cutoff("audit_log", now):
        # Append-only for people (the model refuses updates and deletes); retention deletes
        # through the queryset, the one sanctioned way.
        deleted["audit_log"] = AuditEvent.objects.filter(timestamp__lt=cutoff).delete()[0]
    if cutoff := _cutoff("learning_statements", now):
        deleted["learning_statements"] = LearningStatement.objects.filter(
            timestamp__lt=cutoff
        ).delete()[0]
    if cutoff := _cutoff("accessibility_feedback", now):
        deleted["accessibility_feedback"] = AccessibilityFeedback.objects.filter(
            created_at__lt=cutoff
        ).delete()[0]
    if cutoff := _cutoff("people_syncs", now):
        old = PeopleSync.objects.filter(created_at__lt=cutoff)
        stored_files_delete_after_commit(old.values_list("file", flat=True))
        deleted["people_syncs"] = old.delete()[1].get("lms.PeopleSync", 0)
    if cutoff := _cutoff("leavers", now):
        erased = 0
        for person in leavers_due(cutoff).iterator():
            with transaction.atomic():
                person_erase(user=person, by=None)
            erased += 1
        deleted["leavers"] = erased
    erased = 0
    for person in former_staff_due(timezone.localdate(now)):
        with transaction.atomic():
            person_erase(user=person, by=None)
        erased += 1
    deleted["former_staff"] = erased
    for kind, count in deleted.items():
        days = settings.RETENTION_DAYS.get(kind)
        logger.info(
            "Retention: deleted %d %s older than %s",
            count,
            kind,
            f"{days} days" if days else "their organisation's period",
            extra={"retention_kind": kind, "deleted": count},
        )
    return deleted
