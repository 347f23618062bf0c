"""DSGVO Art. 17: what erasing a person does to their certificates."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lms.models import User
from lms.selectors.organisations import unit_paths_of
from lms.services.stored_files import stored_files_delete_after_commit

from ..models import (
    Certificate,
    CertificateExport,
)

# --- Erasure (DSGVO Art. 17) ------------------------------------------------------------


@transaction.atomic
def certificates_erase_for_person(*, user: User) -> int:
    """Make every certificate of an erased person "no longer available"; returns how many.

    The rows stay (counts per course, serials without gaps), but the name and the free-text
    reasons are blanked, the PDF and its SHA-256 removed (so the upload check finds nothing and
    the stored file is deleted once the erasure commits) and ``erased_at`` set: the
    verification page, the download and the Open Badge are gone, and so are finished ZIP
    exports of their units. Runs from the registry of personal data
    (``certificates.personal_data``) inside ``person_erase``'s transaction, while the person's
    memberships still exist.
    """
    certificates = Certificate.objects.filter(user=user, erased_at__isnull=True)
    files = list(certificates.exclude(pdf="").values_list("pdf", flat=True))
    count = certificates.update(
        erased_at=timezone.now(),
        learner_name="",
        revocation_reason="",
        correction_reason="",
        correction_proposed_name="",
        correction_proposed_reason="",
        pdf="",
        sha256="",
    )
    # Finished ZIPs of the person's units (and their ancestors) may hold their PDFs: gone too
    # (the requester can build a new one; one still being built reads only available rows).
    exports = CertificateExport.objects.filter(
        organisation__path__in=unit_paths_of(user), status=CertificateExport.Status.READY
    )
    files += list(exports.exclude(file="").values_list("file", flat=True))
    exports.delete()
    stored_files_delete_after_commit(files)
    return count
