"""Django admin for platform operators: registrations, memberships, reports and profiles.

Content (circles, programmes, standards, events, projects) is edited in Wagtail; here operators
look things up. Circle memberships are changed through the service so that the guardian
permissions follow.
"""

from django.contrib import admin

from . import services
from .models import AbuseReport, Assessment, CircleMembership, Profile, Registration


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "land", "size_class", "listed"]
    list_filter = ["listed", "land", "size_class"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "queued_at", "attended"]
    list_filter = ["status", "attended"]
    search_fields = ["user__full_name", "event__title"]
    raw_id_fields = ["event", "user"]
    # Seats change only through the services (capacity and waiting list stay exact).
    readonly_fields = ["event", "user", "status", "queued_at"]


@admin.register(CircleMembership)
class CircleMembershipAdmin(admin.ModelAdmin):
    list_display = ["circle", "user", "role", "status", "digest"]
    list_filter = ["circle", "role", "status"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        services.circle_membership_set(
            circle=obj.circle, user=obj.user, role=obj.role, status=obj.status
        )

    def delete_model(self, request, obj):
        services.circle_leave(circle=obj.circle, user=obj.user)


@admin.register(AbuseReport)
class AbuseReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reporter", "created_at"]
    search_fields = ["reason", "post__body"]
    raw_id_fields = ["post", "reporter"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "size_class", "created_at"]
    list_filter = ["size_class"]
    raw_id_fields = ["organisation", "created_by"]
