"""Celery tasks of the learning core."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(name="lms.ping")
def ping_task() -> str:
    """Round-trip check used by /healthz tests and operators: proves a worker answers."""
    return "pong"


@shared_task(name="lms.reminders_send_due")
def reminders_send_due_task() -> int:
    """Daily beat: due-date reminders to learners (each at most once, see the service)."""
    from .services.reminders import reminders_send_due

    return reminders_send_due()


@shared_task(name="lms.digest_send_weekly")
def digest_send_weekly_task() -> int:
    """Weekly beat: the HR digest of overdue and expiring qualifications."""
    from .services.reminders import digest_send_weekly

    return digest_send_weekly()


@shared_task(name="lms.qualification_status_refresh_due")
def qualification_status_refresh_due_task() -> int:
    """Nightly beat: move stored matrix statuses across date boundaries (expiring, expired,
    overdue); idempotent."""
    from .services.qualification_status import qualification_status_refresh_due

    return qualification_status_refresh_due()


@shared_task(name="lms.qualification_status_refresh_course")
def qualification_status_refresh_course_task(course_id: int) -> int:
    """After a course or one of its lessons is published: refresh that course's stored cells."""
    from .services.qualification_status import qualification_status_refresh_course

    return qualification_status_refresh_course(course_id=course_id)


@shared_task(name="lms.qualification_status_refresh_people")
def qualification_status_refresh_people_task(user_ids: list[int]) -> int:
    """Refresh these people's stored cells (after a unit with their memberships was deleted)."""
    from .services.qualification_status import qualification_status_refresh

    return qualification_status_refresh(user_ids=user_ids)


@shared_task(
    name="lms.matrix_export_build",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def matrix_export_build_task(export_id: int) -> str:
    """Build the XLSX of one qualification matrix export into storage; a second run changes
    nothing. Returns the export's status ("missing" if it was deleted meanwhile)."""
    from .models import MatrixExport
    from .services.hr_exports import matrix_export_build

    try:
        return matrix_export_build(export_id=export_id).status
    except MatrixExport.DoesNotExist:
        return "missing"


@shared_task(name="lms.matrix_exports_purge")
def matrix_exports_purge_task() -> int:
    """Hourly: delete matrix exports past their retention period, fail stuck ones."""
    from .models import MatrixExport
    from .services.export_retention import exports_purge

    return sum(exports_purge(MatrixExport))


@shared_task(name="lms.unit_status_counts_compact")
def unit_status_counts_compact_task() -> int:
    """Every ten minutes: fold the units' count changes into one row per key (idempotent)."""
    from .services.unit_counts import unit_status_counts_compact

    return unit_status_counts_compact()


@shared_task(name="lms.unit_members_rejoin")
def unit_members_rejoin_task(unit_ids: list[int], newly_above: list[int]) -> int:
    """After units moved in the tree: new ancestors' assignments and matrix rows (idempotent)."""
    from .services.hr import unit_members_rejoin

    return unit_members_rejoin(unit_ids=unit_ids, newly_above=newly_above)


@shared_task(name="lms.accessibility_feedback_mail")
def accessibility_feedback_mail_task(feedback_id: int) -> bool:
    from .services.legal import accessibility_feedback_mail

    return accessibility_feedback_mail(feedback_id=feedback_id)


@shared_task(name="lms.retention_enforce")
def retention_enforce_task() -> dict:
    from .services.retention import retention_enforce

    return retention_enforce()


@shared_task(
    name="lms.invitation_mail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def invitation_mail_task(invitation_id: int, token: str) -> bool:
    """Idempotent: the invitation's ``sent_at`` is claimed before the mail goes out."""
    from .services.invitations import invitation_mail

    return invitation_mail(invitation_id=invitation_id, token=token)


@shared_task(name="lms.quiz_attempts_close_expired")
def quiz_attempts_close_expired_task() -> int:
    """Grade timed attempts left open past their deadline (idempotent)."""
    from .services.learning import quiz_attempts_close_expired

    return quiz_attempts_close_expired()


@shared_task(name="lms.notification_digests_send")
def notification_digests_send_task(frequency: str) -> int:
    """The daily or weekly summary mail of notifications (each notification mailed once)."""
    from .services.notifications import notification_digests_send

    return notification_digests_send(frequency=frequency)


@shared_task(name="lms.lrs_forward")
def lrs_forward_task() -> dict:
    """Send the learning record to the configured record stores (idempotent: a statement a
    store accepted is never sent there again). Queues itself again while a backlog remains."""
    from .services.lrs import lrs_backlog_waiting, lrs_forward_all

    sent = lrs_forward_all()
    if any(sent.values()) and lrs_backlog_waiting():
        lrs_forward_task.apply_async(countdown=1)
    return sent


@shared_task(name="lms.people_sync_check")
def people_sync_check_task(sync_id: int) -> str:
    """Compare an uploaded HR export with the platform (idempotent)."""
    from .services.people_sync import people_sync_check

    return people_sync_check(sync_id=sync_id).status


@shared_task(name="lms.people_sync_apply")
def people_sync_apply_task(sync_id: int) -> str:
    """Apply a confirmed HR sync row by row (resumable, idempotent)."""
    from .services.people_sync import people_sync_apply

    return people_sync_apply(sync_id=sync_id).status


@shared_task(name="lms.assigned_mails_send")
def assigned_mails_send_task(assignment_id: int | None = None) -> int:
    """Tell the people an assignment enrolled (each once); without an id (hourly beat) everyone
    assigned recently, e.g. newcomers an assignment reached when they joined."""
    from .services.reminders import assigned_mails_send

    return assigned_mails_send(assignment_id=assignment_id)


@shared_task(
    name="lms.registration_mail",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def registration_mail_task(kind: str, pk: int, token: str = "") -> bool:
    """A self-registration mail: domain verification, address confirmation, decision."""
    from .services.registration import registration_mail

    return registration_mail(kind, pk, token)


@shared_task(name="lms.registrations_purge")
def registrations_purge_task() -> int:
    """Daily: expired unconfirmed registrations and decided ones after 30 days."""
    from .services.registration import registrations_purge

    return registrations_purge()
