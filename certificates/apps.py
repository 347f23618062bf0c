"""Certificates: frozen snapshots of completed enrolments, rendered as PDF and verifiable."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Issue a certificate whenever ``lms`` announces a completed enrolment, and make an
        erased person's certificates unavailable (``personal_data``): the hooks between the
        layers (lms never imports certificates)."""
        from lms.models import Enrolment, User
        from lms.services.learning import enrolment_completed
        from lms.services.names import name_confirmed

        from . import checks, personal_data  # noqa: F401
        from .receivers import issue_held, issue_on_completion

        enrolment_completed.connect(
            issue_on_completion, sender=Enrolment, dispatch_uid="certificates.issue_on_completion"
        )
        name_confirmed.connect(issue_held, sender=User, dispatch_uid="certificates.issue_held")
