"""External qualifications: proof of training taken elsewhere, uploaded and reviewed by HR.

Callers check scope first (the person themselves, or HR via ``people_visible_to``).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage

from ..models import ExternalQualification, User
from .qualification_status import qualification_status_refresh


@transaction.atomic
def external_qualification_upload(
    *,
    user: User,
    uploaded_by: User,
    course: CoursePage,
    title: str,
    provider: str,
    completed_on: date,
    valid_until: date | None,
    file: UploadedFile,
) -> ExternalQualification:
    """Store a pending external qualification (the file under a random name) for HR to review."""
    return ExternalQualification.objects.create(
        user=user,
        uploaded_by=uploaded_by,
        course=course,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        valid_until=valid_until,
        file=file,
    )


@transaction.atomic
def external_qualification_review(
    *, qualification: ExternalQualification, reviewed_by: User, approve: bool
) -> ExternalQualification:
    """Approve (it then counts in the matrix) or reject an external qualification; HR may
    change their decision later. The row is locked so two reviewers cannot interleave."""
    qualification = ExternalQualification.objects.select_for_update().get(pk=qualification.pk)
    if qualification.user_id == reviewed_by.pk:
        raise ValidationError("Nobody reviews their own qualification.")
    qualification.status = (
        ExternalQualification.Status.APPROVED if approve else ExternalQualification.Status.REJECTED
    )
    qualification.reviewed_by = reviewed_by
    qualification.reviewed_at = timezone.now()
    qualification.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    qualification_status_refresh(
        user_ids=[qualification.user_id], course_ids=[qualification.course_id]
    )
    return qualification
