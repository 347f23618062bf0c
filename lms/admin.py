"""Django admin for platform operators. Membership writes go through the services so that
object permissions stay in step with roles."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .models import AuditEvent, JobProfile, Membership, Organisation, User
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
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_on"]
    list_filter = ["role"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def save_model(self, request, obj, form, change):
        saved = services.membership_set(user=obj.user, organisation=obj.organisation, role=obj.role)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.membership_remove(user=obj.user, organisation=obj.organisation)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organisation"):
            self.delete_model(request, membership)
