"""Write operations of the CDO network; views and tasks call these and write nothing else."""

from .catalogue import funding_deadline_reminders_send, funding_subscription_set
from .circles import (
    abuse_report_notify,
    circle_digest_set,
    circle_digests_send,
    circle_join,
    circle_leave,
    circle_membership_approve,
    circle_membership_set,
    post_create,
    post_hide,
    post_report,
    thread_create,
)
from .directory import municipality_facts_set, profile_delete, profile_save
from .events import (
    attendance_confirm,
    event_reminders_send,
    event_waiting_list_refill,
    registration_cancel,
    registration_create,
    registration_promoted_notify,
)
from .notify import notification_send_once
from .projects import project_submit
from .stocktaking import assessment_complete

__all__ = [
    "abuse_report_notify",
    "assessment_complete",
    "attendance_confirm",
    "circle_digest_set",
    "circle_digests_send",
    "circle_join",
    "circle_leave",
    "circle_membership_approve",
    "circle_membership_set",
    "event_reminders_send",
    "event_waiting_list_refill",
    "funding_deadline_reminders_send",
    "funding_subscription_set",
    "municipality_facts_set",
    "notification_send_once",
    "post_create",
    "post_hide",
    "post_report",
    "profile_delete",
    "profile_save",
    "project_submit",
    "registration_cancel",
    "registration_create",
    "registration_promoted_notify",
    "thread_create",
]
