"""Django admin for platform operators: certificates are read-only here (they change only
through the services: revocation on the HR page, corrections with ``certificate_reissue``)."""

from django.contrib import admin

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "learner_name", "course_title", "issued_on", "valid_until", "status"]
    list_filter = ["status", "issued_on"]
    search_fields = ["serial", "learner_name", "course_title", "=code"]
    ordering = ["-issued_on", "-pk"]
    list_select_related = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
