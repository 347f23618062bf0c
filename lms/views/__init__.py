"""Views of the learning core: accounts and organisations (``accounts``), the learner journey
(``learning``) and trainer statistics (``statistics``)."""

from .accounts import (
    LoginView,
    ThrottledPasswordResetView,
    data_export,
    data_export_schema,
    data_summary,
    healthz,
    home,
    language_switch,
    organisation_detail,
    organisation_list,
    profile,
)

__all__ = [
    "LoginView",
    "ThrottledPasswordResetView",
    "data_export",
    "data_export_schema",
    "data_summary",
    "healthz",
    "home",
    "language_switch",
    "organisation_detail",
    "organisation_list",
    "profile",
]
