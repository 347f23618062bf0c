"""App config of the learning core (accounts, organisations, enrolment, progress, HR)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning and organisations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            metrics,  # noqa: F401  (task counters in every worker, the collector for /metrics)
            privacy_declarations,  # noqa: F401  (personal data of lms and frameworks)
            signals,  # noqa: F401  (login language, stored matrix status hooks)
        )
        from .security import sessions, slowdown  # noqa: F401  (session start, slow-down)
