"""Models of the learning core: accounts and organisations, enrolment and progress."""

from .accounts import (
    AGS_PATTERN,
    LAND_CODES,
    JobProfile,
    Membership,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    User,
    validate_ags,
)
from .audit import AuditEvent
from .departures import Departure
from .hr import Assignment, QualificationStatus, UnitMember, UnitStatusCount
from .hr_ops import DigestSent, ExternalQualification, MatrixExport, ReminderSent
from .invitations import Invitation
from .learning import (
    Enrolment,
    ExamTimeExtension,
    LearningStatement,
    LessonProgress,
    QuizAttempt,
)
from .legal import AccessibilityFeedback, AccessibilityStatementPage, LegalPage
from .lrs import LrsDelivery, LrsEndpoint
from .names import NameChangeRequest
from .notifications import Notification, NotificationPreference
from .people_sync import PeopleSync, PeopleSyncMapping, PeopleSyncRow
from .registration import EmailDomain, Registration
from .scim import ScimAccount, ScimGroup, ScimToken
from .search import SearchEntry, SearchTerm
from .sso import IdentityProvider, SsoClaimMapping, SsoIdentity

__all__ = [
    "EmailDomain",
    "Registration",
    "ScimAccount",
    "ScimGroup",
    "ScimToken",
    "SearchEntry",
    "SearchTerm",
    "AccessibilityFeedback",
    "AccessibilityStatementPage",
    "LegalPage",
    "Assignment",
    "AuditEvent",
    "AGS_PATTERN",
    "LAND_CODES",
    "DigestSent",
    "Departure",
    "Enrolment",
    "PeopleSync",
    "PeopleSyncMapping",
    "PeopleSyncRow",
    "ExamTimeExtension",
    "ExternalQualification",
    "IdentityProvider",
    "Invitation",
    "SsoClaimMapping",
    "SsoIdentity",
    "JobProfile",
    "LearningStatement",
    "LessonProgress",
    "LrsDelivery",
    "LrsEndpoint",
    "MatrixExport",
    "Membership",
    "NameChangeRequest",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OrganisationGroupObjectPermission",
    "OrganisationUserObjectPermission",
    "QualificationStatus",
    "QuizAttempt",
    "ReminderSent",
    "UnitMember",
    "UnitStatusCount",
    "User",
    "validate_ags",
]
