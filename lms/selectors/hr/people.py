"""Whom an HR user may see, and what HR may see of one person's learning (the employee
record)."""

from datetime import timedelta

from django.utils import timezone

from ...models import (
    Enrolment,
    ExamTimeExtension,
    ExternalQualification,
    Membership,
    User,
)
from .cells import EXPIRY_WARNING_DAYS, cell_for
from .live import percent_complete


def people_visible_to(user: User):
    """People who are members of an organisation the HR user may see."""
    from ..organisations import organisations_visible_to

    return User.objects.filter(
        memberships__organisation__in=organisations_visible_to(user)
    ).distinct()


def employee_record(person: User) -> dict:
    """Everything HR may see about one person's learning: enrolments with status and dates."""
    enrolments = list(
        Enrolment.objects.filter(user=person).select_related("course").order_by("-enrolled_at")
    )
    today = timezone.localdate()
    percents = percent_complete(enrolments)
    rows = [
        (
            e,
            cell_for(
                e, required=True, percent=percents.get((e.user_id, e.course_id), 0), today=today
            ),
        )
        for e in enrolments
    ]
    memberships = list(
        Membership.objects.filter(user=person)
        .select_related("organisation")
        .prefetch_related("job_profiles")
    )
    externals = list(
        ExternalQualification.objects.filter(user=person)
        .select_related("course")
        .order_by("-uploaded_at")
    )
    extension = ExamTimeExtension.objects.filter(user=person, course__isnull=True).first()
    return {
        "person": person,
        "rows": rows,
        "externals": externals,
        "time_extension": extension.extra_percent if extension else 0,
        "memberships": memberships,
        "today": today,
        "warning_until": today + timedelta(days=EXPIRY_WARNING_DAYS),
    }
