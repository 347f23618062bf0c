"""ZIP export of a unit's certificates, built by a Celery task with visible progress."""

from __future__ import annotations

import functools
import secrets

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lms.models import Organisation, User

from ..models import (
    CertificateExport,
)

# --- ZIP export ----------------------------------------------------------------------------


@transaction.atomic
def certificate_export_request(*, user: User, organisation: Organisation) -> CertificateExport:
    """Ask for a ZIP of a large unit; a Celery task builds it. Permission: the caller checked
    that ``organisation`` is visible to ``user``."""
    from ..tasks import certificate_export_build_task

    export = CertificateExport.objects.create(organisation=organisation, requested_by=user)
    transaction.on_commit(functools.partial(certificate_export_build_task.delay, export.pk))
    return export


def certificate_export_build(*, export_id: int) -> CertificateExport:
    """Write the ZIP into storage, reporting progress; a rerun rebuilds it (idempotent)."""
    from ..archive import zip_archive_chunks
    from ..selectors import certificates_for_export

    export = CertificateExport.objects.select_related("organisation", "requested_by").get(
        pk=export_id
    )
    if export.status == CertificateExport.Status.READY:
        return export
    certificates = certificates_for_export(export.requested_by, export.organisation)
    total = certificates.count()
    CertificateExport.objects.filter(pk=export.pk).update(total=total, done=0)

    def progress(count: int) -> None:
        if count % 50 == 0 or count == total:
            CertificateExport.objects.filter(pk=export.pk).update(done=count)

    name = f"exports/{secrets.token_urlsafe(24)}.zip"
    with default_storage.open(name, "wb") as handle:
        for chunk in zip_archive_chunks(certificates.iterator(chunk_size=500), progress):
            handle.write(chunk)
    CertificateExport.objects.filter(pk=export.pk).update(
        file=name,
        status=CertificateExport.Status.READY,
        done=total,
        finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export
