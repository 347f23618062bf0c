"""Data protection (DSGVO): a person's copy of their data (Art. 15/20) and erasure (Art. 17).

What is exported and erased is declared per relation in the registry of personal data
(``lms.personal_data``; each app declares its own in ``personal_data.py``). The export adds
readable sections of the learning record on top of the registry's complete ``records``.
"""

import secrets
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import (
    Assignment,
    AuditEvent,
    Enrolment,
    LearningStatement,
    LessonProgress,
    Membership,
    Organisation,
    QuizAttempt,
    User,
)
from ..models.accounts import ERASED_EMAIL_DOMAIN, ERASED_NAME
from ..personal_data import FORMAT_VERSION, erase_records, export_records, export_sections
from .audit import audit_record
from .hr_exports import matrix_exports_erase_for_person


def _assignments_applying_to(user: User, memberships: list[Membership]) -> list[Assignment]:
    """Assignments of the person's units or their ancestors that target them, plus any that
    enrolled them (same rule as ``lms.services.hr.assignments_apply_to_member``)."""
    step = Organisation.steplen
    unit_paths = set()
    for membership in memberships:
        path = membership.organisation.path
        unit_paths |= {path[:length] for length in range(step, len(path) + 1, step)}
    profiles = {p.pk for m in memberships for p in m.job_profiles.all()}
    candidates = (
        Assignment.objects.filter(organisation__path__in=unit_paths)
        .select_related("course", "organisation", "job_profile")
        .prefetch_related("users")
    )
    applying = {}
    for assignment in candidates:
        targeted = {u.pk for u in assignment.users.all()}
        if assignment.job_profile_id and assignment.job_profile_id not in profiles:
            continue
        if targeted and user.pk not in targeted:
            continue
        applying[assignment.pk] = assignment
    for assignment in Assignment.objects.filter(enrolments__user=user).select_related(
        "course", "organisation", "job_profile"
    ):
        applying.setdefault(assignment.pk, assignment)
    return sorted(applying.values(), key=lambda a: a.pk)


def _progress(row: LessonProgress) -> dict:
    return {
        "lesson_id": row.lesson_id,
        "lesson_title": row.lesson_title,
        "first_opened_at": row.first_opened_at,
        "last_heartbeat_at": row.last_heartbeat_at,
        "active_seconds": row.active_seconds,
        "completed_at": row.completed_at,
    }


def _attempt(row: QuizAttempt) -> dict:
    return {
        "quiz_id": row.quiz_id,
        "quiz_title": row.quiz_title,
        "number": row.number,
        "status": row.status,
        "started_at": row.started_at,
        "submitted_at": row.submitted_at,
        "answers": row.answers,
        "question_results": row.question_results,
        "score_percent": row.score_percent,
        "pass_mark": row.pass_mark,
        "passed": row.passed,
    }


def person_data_export(*, user: User) -> dict:
    """Everything stored about ``user`` as JSON-ready data, and a ``data_export`` audit event.

    Audit events list what was done with the record and by which unit, not the names of the
    staff who did it (Art. 15 names recipients by category; colleagues' names are their data).
    """
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .prefetch_related("job_profiles")
        .order_by("organisation__path")
    )
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("lesson_progress", "quiz_attempts")
        .order_by("enrolled_at", "pk")
    )
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "schema": reverse("account_data_schema"),
        "generated_at": timezone.now(),
        "profile": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "role": m.role,
                "job_profiles": [p.name for p in m.job_profiles.all()],
                "joined_on": m.joined_on,
            }
            for m in memberships
        ],
        "enrolments": [
            {
                "id": e.pk,
                "course_id": e.course_id,
                "course": e.course.title,
                "cycle": e.cycle,
                "source": e.source,
                "status": e.status,
                "due_date": e.due_date,
                "enrolled_at": e.enrolled_at,
                "completed_at": e.completed_at,
                "lesson_progress": [_progress(p) for p in e.lesson_progress.all()],
                "quiz_attempts": [_attempt(a) for a in e.quiz_attempts.all()],
            }
            for e in enrolments
        ],
        "learning_statements": [
            s.as_xapi() for s in LearningStatement.objects.filter(actor=user).order_by("pk")
        ],
        "assignments": [
            {
                "id": a.pk,
                "course": a.course.title,
                "organisation": a.organisation.name,
                "job_profile": a.job_profile.name if a.job_profile else None,
                "due_date": a.due_date,
                "due_days_after_joining": a.due_days_after_joining,
                "recurrence_months": a.recurrence_months,
            }
            for a in _assignments_applying_to(user, memberships)
        ],
        "audit_events": [
            {
                "timestamp": event.timestamp,
                "action": event.action,
                "organisation": event.organisation.name if event.organisation else None,
            }
            for event in AuditEvent.objects.filter(subject=user)
            .select_related("organisation")
            .order_by("timestamp", "pk")
        ],
    }
    data["records"] = export_records(user)
    audit_record(actor=user, action=AuditEvent.Action.DATA_EXPORT, subject=user)
    return data


def person_data_summary(*, user: User) -> list[dict]:
    """The person's records as readable tables (``export_sections``), logged like the export."""
    sections = export_sections(user)
    audit_record(actor=user, action=AuditEvent.Action.DATA_EXPORT, subject=user)
    return sections


@transaction.atomic
def person_erase(*, user: User, by: User | None) -> User:
    """Erase a person (DSGVO Art. 17) by anonymising the account; returns the anonymised user.

    - The account keeps its row, so enrolments, lesson progress and quiz attempts stay as
      anonymous aggregates (completion rates, trainer statistics, the count of enrolments).
    - Memberships go through ``membership_remove``, so HR and admin permissions go with them
      and the person leaves every HR matrix at once.
    - Learning statements keep pointing to the account: they are append-only by design
      (``LearningStatement.save`` refuses updates) and their xAPI actor is only the account
      number, never a name or address, so once the account is anonymised they are anonymous
      too; nulling the actor would need a bypass of the append-only guard and would break the
      per-learner counts of the statistics.
    - Audit events about the person are kept for the same reason (they now name no one).
    - XLSX exports of the matrix that may list the person (their units and those above) are
      deleted with their files, like the certificate ZIPs of the certificates app's hook.
    - Everything else follows the registry of personal data (``lms.personal_data``):
      every relation to the person is deleted, detached, anonymised or kept with a reason;
      files go after the commit. Running it again changes nothing more.

    Only platform operators may call this (the admin action checks ``is_superuser``); ``by``
    is None when the retention task erases a leaver.
    """
    if by is not None and user.pk == by.pk:
        raise ValueError("A person cannot erase their own account.")
    audit_record(actor=by, action=AuditEvent.Action.ERASED, subject=user)
    matrix_exports_erase_for_person(user=user)  # while the memberships still name the units
    erase_records(user)
    user.full_name = ERASED_NAME
    user.verified_name = ERASED_NAME
    user.name_source = ""
    user.name_verified_at = None
    user.email = f"geloescht-{secrets.token_hex(8)}{ERASED_EMAIL_DOMAIN}"
    user.set_unusable_password()  # also ends every session: the session hash no longer matches
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user
