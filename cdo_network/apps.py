"""The CDO network: directory, expert circles, events, projects and funding programmes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CdoNetworkConfig(AppConfig):
    name = "cdo_network"
    verbose_name = _("CDO network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data, signals  # noqa: F401  (personal_data declares on import)

        signals.connect()
