"""Personal data of the learning core and of the frameworks it runs on (Django's auth and
admin, Wagtail, django-guardian, django-axes): see ``lms.personal_data``.

Reasons for ``KEEP`` are the legal basis an operator states in the record of processing
activities (``docs/verzeichnis-verarbeitungstaetigkeiten.md``).
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .personal_data import WHO_DID_IT, Erase, PersonalData, declare

AGGREGATE = (
    "Kept as an anonymous aggregate (completion rates, counts per course): after erasure the "
    "account has no name, address or password, so the row names no one."
)
APPEND_ONLY = (
    "Append-only record whose only identifier is the account number; after erasure the "
    "account names no one (Art. 17 (3) b/e DSGVO: accountability of the public body)."
)


def _memberships_end(user) -> int:
    from .models import Membership
    from .services.accounts import membership_remove

    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    for membership in memberships:
        membership_remove(user=user, organisation=membership.organisation)
    return len(memberships)


def _login_logs(model_name):
    def rows(user):
        from django.apps import apps

        return apps.get_model("axes", model_name).objects.filter(username__iexact=user.email)

    return rows


def _admin_log_about(user):
    from django.contrib.admin.models import LogEntry

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk)
    )


def _admin_log_about_anonymise(user) -> int:
    return _admin_log_about(user).update(object_repr="Gelöschte Person", change_message="")


def _directory_groups(user):
    from .models import ScimGroup

    return ScimGroup.objects.filter(members=user)


def _directory_groups_leave(user) -> int:
    from .models import ScimGroup

    return ScimGroup.members.through.objects.filter(user=user).delete()[0]


def _lesson_progress(user):
    from .models import LessonProgress

    return LessonProgress.objects.filter(enrolment__user=user)


def _quiz_attempts(user):
    from .models import QuizAttempt

    return QuizAttempt.objects.filter(enrolment__user=user)


def _account(user):
    return get_user_model().objects.filter(pk=user.pk)


def _wagtail_log_entries_about(user):
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk)
    )


def _wagtail_log_entries_about_anonymise(user) -> int:
    return _wagtail_log_entries_about(user).update(label="Gelöschte Person", data={})


D, E = PersonalData, Erase

declare(
    # --- the account itself (anonymised last by person_erase) ---------------------------------
    D(
        "lms.User",
        "account",
        E.KEEP,
        "Anonymised by person_erase after every other action: "
        "name, e-mail address and password are replaced, the account is deactivated.",
        export=(
            "email",
            "full_name",
            "verified_name",
            "name_source",
            "name_verified_at",
            "preferred_language",
            "is_active",
            "date_joined",
            "last_login",
        ),
        rows=_account,
        title=_("Account"),
    ),
    D("lms.User", "groups", E.DELETE, "Group memberships grant rights; they end."),
    D("lms.User", "user_permissions", E.DELETE, "Rights end with the person."),
    # --- organisations and HR -----------------------------------------------------------------
    D(
        "lms.Membership",
        "user",
        E.ANONYMISE,
        "Memberships end through membership_remove, so HR and admin permissions go with them.",
        export=("organisation", "role", "joined_on"),
        handler=_memberships_end,
        order=10,
    ),
    D("lms.OrganisationUserObjectPermission", "user", E.DELETE, "Rights end with the person."),
    D(
        "lms.UnitMember",
        "user",
        E.DELETE,
        "Denormalised copy of the name for the HR matrix.",
        order=20,
    ),
    D(
        "lms.QualificationStatus",
        "user",
        E.DELETE,
        "Stored HR status; the person leaves every matrix.",
        export=("course", "status", "required", "valid_until", "due_date", "percent"),
        order=20,
    ),
    D("lms.DigestSent", "user", E.DELETE, "Mail bookkeeping.", export=("week", "sent_at")),
    D(
        "lms.Notification",
        "user",
        E.DELETE,
        "What the platform told the person (notification centre).",
        export=("kind", "subject", "text", "url", "created_at", "read_at", "mailed_at"),
    ),
    D(
        "lms.NotificationPreference",
        "user",
        E.DELETE,
        "How the person wants to be notified.",
        export=("kind", "delivery"),
    ),
    D(
        "lms.ExternalQualification",
        "user",
        E.DELETE,
        "Proof uploaded for the person; row and PDF go.",
        export=(
            "course",
            "title",
            "provider",
            "completed_on",
            "valid_until",
            "file",
            "status",
            "uploaded_at",
            "reviewed_at",
        ),
    ),
    D("lms.ExternalQualification", "uploaded_by", E.DETACH, WHO_DID_IT),
    D("lms.ExternalQualification", "reviewed_by", E.DETACH, WHO_DID_IT),
    D(
        "lms.MatrixExport",
        "requested_by",
        E.DELETE,
        "Workbooks the person requested; row and "
        "file go (workbooks listing the person are deleted by person_erase too).",
        export=("organisation", "status", "created_at", "finished_at"),
    ),
    D("lms.Assignment", "users", E.DELETE, "The person is no longer named by the assignment."),
    D("lms.Assignment", "created_by", E.DETACH, WHO_DID_IT),
    D(
        "lms.AuditEvent",
        "subject",
        E.KEEP,
        APPEND_ONLY,
        export=("timestamp", "action", "organisation"),
        title=_("Access to your records"),
    ),
    D(
        "lms.AuditEvent",
        "actor",
        E.KEEP,
        APPEND_ONLY,
        export=("timestamp", "action", "organisation"),
        title=_("Your access to others' records"),
    ),
    # --- learning -----------------------------------------------------------------------------
    D(
        "lms.Enrolment",
        "user",
        E.KEEP,
        AGGREGATE,
        export=("course", "cycle", "source", "status", "due_date", "enrolled_at", "completed_at"),
    ),
    D(
        "lms.LessonProgress",
        "enrolment__user",
        E.KEEP,
        AGGREGATE,
        rows=_lesson_progress,
        export=("enrolment", "lesson_title", "first_opened_at", "active_seconds", "completed_at"),
    ),
    D(
        "lms.QuizAttempt",
        "enrolment__user",
        E.KEEP,
        AGGREGATE,
        rows=_quiz_attempts,
        export=(
            "enrolment",
            "quiz_title",
            "number",
            "status",
            "started_at",
            "submitted_at",
            "answers",
            "score_percent",
            "pass_mark",
            "passed",
        ),
    ),
    D(
        "lms.LearningStatement",
        "actor",
        E.KEEP,
        APPEND_ONLY,
        export=("verb", "object_id", "object_name", "result", "timestamp"),
    ),
    # --- Django and third-party apps ------------------------------------------------------------
    D(
        "admin.LogEntry",
        "user",
        E.KEEP,
        "Operators' admin log; kept for accountability, the account it names is anonymised.",
    ),
    D(
        "admin.LogEntry",
        "about",
        E.ANONYMISE,
        "Admin log entries about the person carry their "
        "name and address in the object's label; the label is replaced.",
        rows=_admin_log_about,
        handler=_admin_log_about_anonymise,
    ),
    D("guardian.UserObjectPermission", "user", E.DELETE, "Rights end with the person."),
    D(
        "axes.AccessAttempt",
        "username",
        E.DELETE,
        "Login failures under the person's e-mail address (with IP address and browser).",
        rows=_login_logs("AccessAttempt"),
        export=("ip_address", "user_agent", "attempt_time", "failures_since_start"),
        order=0,
    ),
    D(
        "axes.AccessLog",
        "username",
        E.DELETE,
        "Sign-ins under the person's e-mail address (with IP address and browser).",
        rows=_login_logs("AccessLog"),
        export=("ip_address", "user_agent", "attempt_time", "logout_time"),
        order=0,
    ),
    D(
        "axes.AccessFailureLog",
        "username",
        E.DELETE,
        "Failed sign-ins under the person's e-mail address.",
        rows=_login_logs("AccessFailureLog"),
        export=("ip_address", "user_agent", "attempt_time", "locked_out"),
        order=0,
    ),
    # --- Wagtail (trainers and editors) ---------------------------------------------------------
    D("wagtailusers.UserProfile", "user", E.DELETE, "Admin preferences and avatar."),
    D("wagtaildocs.Document", "uploaded_by_user", E.DETACH, WHO_DID_IT),
    D("wagtailimages.Image", "uploaded_by_user", E.DETACH, WHO_DID_IT),
    D("wagtailcore.UploadedFile", "uploaded_by_user", E.DELETE, "Unfinished uploads."),
    D("wagtailadmin.EditingSession", "user", E.DELETE, "Who is editing a page right now."),
    D("wagtailadmin.FormState", "user", E.DELETE, "Saved admin form state."),
    D("wagtailcore.APIToken", "user", E.DELETE, "Access tokens end with the person."),
    D("wagtailcore.ModelLogEntry", "user", E.DETACH, WHO_DID_IT),
    D(
        "wagtailcore.ModelLogEntry",
        "about",
        E.ANONYMISE,
        "Log entries about the account carry the person's name as label; the label is replaced.",
        rows=_wagtail_log_entries_about,
        handler=_wagtail_log_entries_about_anonymise,
    ),
    D("wagtailcore.PageLogEntry", "user", E.DETACH, WHO_DID_IT),
    D("wagtailcore.Revision", "user", E.DETACH, WHO_DID_IT),
    D("wagtailcore.WorkflowState", "requested_by", E.DETACH, WHO_DID_IT),
    D("wagtailcore.TaskState", "finished_by", E.DETACH, WHO_DID_IT),
    D("wagtailcore.Page", "owner", E.DETACH, WHO_DID_IT),
    D("wagtailcore.Page", "locked_by", E.DETACH, WHO_DID_IT),
    D("wagtailcore.Comment", "user", E.DELETE, "Editorial comments of the person."),
    D("wagtailcore.Comment", "resolved_by", E.DETACH, WHO_DID_IT),
    D("wagtailcore.CommentReply", "user", E.DELETE, "Editorial replies of the person."),
    D("wagtailcore.PageSubscription", "user", E.DELETE, "Comment notifications."),
)

declare(
    D(
        "otp_totp.TOTPDevice",
        "user",
        E.DELETE,
        "Authenticator app keys of the person.",
        export=("name", "confirmed", "created_at", "last_used_at"),
    ),
    D("otp_static.StaticDevice", "user", E.DELETE, "Backup codes of the person."),
)

declare(
    D(
        "lms.SsoIdentity",
        "user",
        E.DELETE,
        "The person's identifier at their administration's identity provider (single sign-on); "
        "deleted, so a later sign-in through the IdP creates a new account, not this one again.",
        export=("identity_provider", "subject", "last_login"),
    ),
)
declare(
    D(
        "lms.NameChangeRequest",
        "user",
        E.DELETE,
        "The person's requests to change the name on their certificates.",
        export=("previous_name", "requested_name", "status", "created_at", "decided_at"),
    ),
    D("lms.NameChangeRequest", "decided_by", E.DETACH, WHO_DID_IT),
)
declare(
    D(
        "lms.Invitation",
        "user",
        E.DELETE,
        "Invitations to the person (only a hash of the link is stored).",
        export=("organisation", "created_at", "expires_at", "sent_at", "accepted_at"),
    ),
    D("lms.Invitation", "invited_by", E.DETACH, WHO_DID_IT),
)
declare(
    D(
        "lms.ExamTimeExtension",
        "user",
        E.DELETE,
        "Extra time in timed quizzes granted to the person (Nachteilsausgleich); only the "
        "percentage, never the reason.",
        export=("course", "extra_percent", "granted_at"),
    ),
    D("lms.ExamTimeExtension", "granted_by", E.DETACH, WHO_DID_IT),
)
declare(
    D(
        "lms.Departure",
        "user",
        E.DELETE,
        "The person's ended employments (unit, date, how it ended), kept for HR until the "
        "organisation's retention period for former staff ends.",
        export=("organisation", "left_on", "source", "returned_at"),
    ),
    D("lms.Departure", "ended_by", E.DETACH, WHO_DID_IT),
)
declare(
    D(
        "lms.PeopleSyncRow",
        "user",
        E.DELETE,
        "The person's line in an HR sync (name, address, unit, what changed); syncs are deleted "
        "after RETENTION_PEOPLE_SYNC_DAYS.",
        export=("line", "change", "name", "email", "unit", "detail"),
    ),
    D("lms.PeopleSync", "requested_by", E.DETACH, WHO_DID_IT),
)
declare(D("lms.Assignment", "cancelled_by", E.DETACH, WHO_DID_IT))
declare(
    D(
        "lms.ScimAccount",
        "user",
        E.DELETE,
        "What the administration's directory (SCIM) said about the person: user name, ID and "
        "name parts in the directory.",
        export=("organisation", "user_name", "external_id", "attributes", "updated_at"),
    ),
    D(
        "lms.ScimGroup",
        "members",
        E.DELETE,
        "The person's membership in groups of their administration's directory (SCIM); the "
        "groups themselves are the directory's and stay.",
        export=("organisation", "display_name"),
        rows=_directory_groups,
        handler=_directory_groups_leave,
    ),
    D("lms.ScimToken", "created_by", E.DETACH, WHO_DID_IT),
)
declare(
    D(
        "lms.Registration",
        "user",
        E.DELETE,
        "The person's self-registration (address, typed name, when confirmed and decided); "
        "deleted 30 days after the decision anyway.",
        export=("organisation", "email", "full_name", "status", "created_at", "confirmed_at"),
    ),
    D("lms.Registration", "decided_by", E.DETACH, WHO_DID_IT),
    D("lms.EmailDomain", "added_by", E.DETACH, WHO_DID_IT),
)
