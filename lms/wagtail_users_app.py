"""Replaces ``wagtail.users`` in INSTALLED_APPS so its admin uses our user forms.

Kept apart from ``lms.wagtail_users`` because app configs are imported before models are ready.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class CampusUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "lms.wagtail_users.CampusUserViewSet"
