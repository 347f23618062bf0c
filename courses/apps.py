"""Course content authored in Wagtail: pages, blocks, quizzes. Knows nothing of learners."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import personal_data, search_documents, signals  # noqa: F401  (declare on import)
