"""Exported files list people (names, e-mail addresses, qualifications, certificates), so they
are not kept longer than needed (DSGVO Art. 5(1)(e), storage limitation): an export is deleted
with its file ``EXPORT_RETENTION_DAYS`` after it was asked for. An export still pending after
``EXPORT_STUCK_MINUTES`` (its task was lost) is marked failed, so its page stops waiting and the
person asks for a new one. Shared by the matrix exports (lms) and the certificate ZIPs
(certificates), whose models have the same status, file and created_at fields."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .stored_files import stored_files_delete_after_commit


@transaction.atomic
def exports_purge(model, *, now: datetime | None = None) -> tuple[int, int]:
    """Delete ``model``'s exports older than the retention period (their files after the
    commit) and fail those stuck pending. Idempotent. Returns (deleted, marked failed)."""
    now = now or timezone.now()
    stuck = model.objects.filter(
        status=model.Status.PENDING,
        created_at__lt=now - timedelta(minutes=settings.EXPORT_STUCK_MINUTES),
    ).update(status=model.Status.FAILED, finished_at=now)
    expired = model.objects.filter(
        created_at__lt=now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    )
    files = list(expired.exclude(file="").values_list("file", flat=True))
    deleted, _per_model = expired.delete()
    stored_files_delete_after_commit(files)
    return deleted, stuck
