"""Django admin for platform operators. Membership writes go through the services so that
object permissions stay in step with roles."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .models import (
    Assignment,
    AuditEvent,
    DigestSent,
    Enrolment,
    ExternalQualification,
    JobProfile,
    Membership,
    Organisation,
    ReminderSent,
    User,
)
from .services.privacy import person_erase


@admin.action(description=_("Erase person (anonymise)"))
def erase_people(modeladmin, request, queryset):
    """Anonymise the selected people after a confirmation page; superusers only."""
    if not request.user.is_superuser:
        raise PermissionDenied
    people = list(queryset.exclude(pk=request.user.pk))
    if request.POST.get("confirm") == "yes":
        for person in people:
            person_erase(user=person, by=request.user)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d person has been erased.",
                "%(count)d people have been erased.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Erase people"),
        "people": people,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/lms/user/erase_confirmation.html", context)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff", "date_joined"]
    search_fields = ["full_name", "email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "password1", "password2"]}),
    ]
    actions = [erase_people]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("erase_people", None)
        return actions


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are logs, or that only services may write: operators look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["timestamp", "action", "actor", "subject", "organisation"]
    list_filter = ["action"]
    list_select_related = ["actor", "subject", "organisation"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(TreeAdmin):
    form = movenodeform_factory(Organisation)
    list_display = ["name", "kind", "ags"]
    search_fields = ["name", "ags"]


@admin.register(JobProfile)
class JobProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "required_count"]
    search_fields = ["name", "description"]
    filter_horizontal = ["required_courses"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(required_total=Count("required_courses"))

    @admin.display(description=_("Required qualifications"), ordering="required_total")
    def required_count(self, obj) -> int:
        return obj.required_total


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Assignments are made in the HR area (``assignment_create`` enrols the people targeted);
    here operators see them and may delete one (its enrolments stay)."""

    list_display = [
        "course",
        "organisation",
        "job_profile",
        "due_date",
        "due_days_after_joining",
        "recurrence_months",
        "created_by",
        "created_at",
    ]
    list_filter = ["job_profile", "recurrence_months"]
    list_select_related = ["course", "organisation", "job_profile", "created_by"]
    search_fields = ["course__title", "organisation__name", "job_profile__name"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    """Enrolments change only through the learning services (progress, completion)."""

    list_display = ["user", "course", "cycle", "source", "status", "due_date", "completed_at"]
    list_filter = ["status", "source"]
    list_select_related = ["user", "course"]
    search_fields = ["user__full_name", "user__email", "course__title"]
    date_hierarchy = "enrolled_at"


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    """Log of reminder mails (one per enrolment, kind and due date)."""

    list_display = ["sent_at", "kind", "person", "course", "due_date"]
    list_filter = ["kind"]
    list_select_related = ["enrolment__user", "enrolment__course"]
    search_fields = ["enrolment__user__full_name", "enrolment__user__email"]
    date_hierarchy = "sent_at"

    @admin.display(description=_("Person"), ordering="enrolment__user__full_name")
    def person(self, obj):
        return obj.enrolment.user

    @admin.display(description=_("Course"), ordering="enrolment__course__title")
    def course(self, obj):
        return obj.enrolment.course


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    """Log of weekly HR digests (one per person and ISO week)."""

    list_display = ["sent_at", "week", "user"]
    list_filter = ["week"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__email", "week"]
    date_hierarchy = "sent_at"


@admin.register(ExternalQualification)
class ExternalQualificationAdmin(ReadOnlyAdmin):
    """Uploads (PDF checked by content) and reviews (in scope, never one's own) happen in the
    HR area and on the learner's page; the admin shows them and lets superusers delete one."""

    list_display = [
        "title",
        "user",
        "course",
        "provider",
        "completed_on",
        "valid_until",
        "status",
        "uploaded_at",
        "reviewed_by",
    ]
    list_filter = ["status", "course"]
    list_select_related = ["user", "course", "reviewed_by"]
    search_fields = ["title", "provider", "user__full_name", "user__email"]
    date_hierarchy = "uploaded_at"

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_on"]
    list_filter = ["role"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def save_model(self, request, obj, form, change):
        saved = services.membership_set(
            user=obj.user, organisation=obj.organisation, role=obj.role, by=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.membership_remove(user=obj.user, organisation=obj.organisation, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            self.delete_model(request, membership)
