"""Models of the CDO network, one module per part of the issue."""

from .catalogue import FundingProgramme, FundingSubscription, Standard
from .circles import (
    AbuseReport,
    CircleGroupObjectPermission,
    CircleMembership,
    CircleUserObjectPermission,
    ExpertCircle,
    Post,
    PostAttachment,
    Thread,
)
from .common import LAENDER, MunicipalityFacts, NotificationLog, SizeClass, Topic
from .directory import ContactPreference, Profile, Visibility
from .events import EventIndexPage, EventPage, Registration
from .projects import (
    BudgetRange,
    ProjectDocument,
    ProjectField,
    ProjectIndexPage,
    ProjectPage,
    ProjectStatus,
)
from .stocktaking import QUESTIONS, SCALE, Assessment, Dimension, Recommendation

__all__ = [
    "LAENDER",
    "QUESTIONS",
    "SCALE",
    "AbuseReport",
    "Assessment",
    "BudgetRange",
    "CircleGroupObjectPermission",
    "CircleMembership",
    "CircleUserObjectPermission",
    "ContactPreference",
    "Dimension",
    "EventIndexPage",
    "EventPage",
    "ExpertCircle",
    "FundingProgramme",
    "FundingSubscription",
    "MunicipalityFacts",
    "NotificationLog",
    "Post",
    "PostAttachment",
    "Profile",
    "ProjectDocument",
    "ProjectField",
    "ProjectIndexPage",
    "ProjectPage",
    "ProjectStatus",
    "Recommendation",
    "Registration",
    "SizeClass",
    "Standard",
    "Thread",
    "Topic",
    "Visibility",
]
