"""Root URLconf: our views first, then the Wagtail admin and Wagtail's page serving."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .metrics import metrics_view
from .views import (
    assignments,
    departures,
    directory,
    exam_time,
    hr_names,
    identity_providers,
    invitations,
    learning,
    legal,
    legal_updates,
    mfa,
    notifications,
    people_sync,
    readiness,
    registration,
    search,
    sso,
    statistics,
    xapi,
)
from .views.hr import exports as hr_exports
from .views.hr import matrix as hr_matrix
from .views.hr import people as hr_people
from .views.hr import proofs as hr_proofs

account_patterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", sso.LogoutView.as_view(), name="logout"),
    path("anmelden/sso/<slug:slug>/", sso.sso_start, name="sso_start"),
    path("einladung/<str:token>/", invitations.invitation_accept_view, name="invitation_accept"),
    path("registrieren/", registration.register, name="register"),
    path(
        "registrieren/<str:token>/",
        registration.registration_confirm_view,
        name="registration_confirm",
    ),
    path(
        "domain-bestaetigen/<str:token>/",
        registration.email_domain_verify_view,
        name="email_domain_verify",
    ),
    path("anmelden/sso/<slug:slug>/rueckkehr/", sso.sso_callback, name="sso_callback"),
    path("anmelden/sso/<slug:slug>/saml/metadata/", sso.saml_metadata, name="saml_metadata"),
    path("anmelden/sso/<slug:slug>/saml/acs/", sso.saml_acs, name="saml_acs"),
    path("anmelden/sso/<slug:slug>/saml/sls/", sso.saml_sls, name="saml_sls"),
    path("anmelden/sso/<slug:slug>/saml/fertig/<str:key>/", sso.saml_finish, name="saml_finish"),
    path("profil/", views.profile, name="profile"),
    path("benachrichtigungen/", notifications.notification_list, name="notification_list"),
    path("benachrichtigungen/glocke/", notifications.bell, name="notification_bell"),
    path(
        "benachrichtigungen/gelesen/", notifications.notifications_read, name="notifications_read"
    ),
    path(
        "benachrichtigungen/einstellungen/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path("meine-daten.json", views.data_export, name="account_data_export"),
    path("zweiter-faktor/", mfa.verify, name="mfa_verify"),
    path("zweiter-faktor/einrichten/", mfa.setup, name="mfa_setup"),
    path("meine-daten/", views.data_summary, name="account_data_summary"),
    path("meine-daten/schema.json", views.data_export_schema, name="account_data_schema"),
    path(
        "passwort-vergessen/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

learning_patterns = [
    path("", learning.dashboard, name="learning_dashboard"),
    path("kurs/<int:course_id>/einschreiben/", learning.enrol, name="learning_enrol"),
    path("kurs/<int:course_id>/austragen/", learning.withdraw, name="learning_withdraw"),
    path(
        "lektion/<int:lesson_id>/erledigt/", learning.lesson_mark_done, name="learning_lesson_done"
    ),
    path("lektion/<int:lesson_id>/aktiv/", learning.lesson_heartbeat, name="learning_heartbeat"),
    path("quiz/<int:quiz_id>/starten/", learning.quiz_start, name="learning_quiz_start"),
    path("versuch/<int:attempt_id>/seite/", learning.quiz_page_save, name="learning_quiz_page"),
    path("versuch/<int:attempt_id>/abgeben/", learning.quiz_submit, name="learning_quiz_submit"),
    path("versuch/<int:attempt_id>/", learning.attempt_result, name="learning_attempt_result"),
    path("nachweise/", hr_proofs.learning_external_upload, name="learning_external_upload"),
    path(
        "nachweise/<int:pk>/datei/", hr_proofs.external_download, name="learning_external_download"
    ),
    path("statistik/kurs/<int:course_id>/", statistics.course_statistics, name="course_statistics"),
    path(
        "statistik/kurs/<int:course_id>/zeitverlaengerung/",
        exam_time.course_time_extensions,
        name="course_time_extensions",
    ),
]

hr_patterns = [
    path("", hr_matrix.hr_home, name="hr_home"),
    path("einheit/<int:unit_id>/", hr_matrix.matrix, name="hr_matrix"),
    path("einheit/<int:unit_id>/kennzahlen/", hr_matrix.dashboard, name="hr_dashboard"),
    path("einheit/<int:unit_id>/export.csv", hr_exports.matrix_csv, name="hr_matrix_csv"),
    path("einheit/<int:unit_id>/export.xlsx", hr_exports.matrix_xlsx, name="hr_matrix_xlsx"),
    path("einheit/export/<int:pk>/", hr_exports.matrix_export, name="hr_matrix_export"),
    path(
        "einheit/export/<int:pk>/qualifikationen.xlsx",
        hr_exports.matrix_export_download,
        name="hr_matrix_export_download",
    ),
    path("einheit/<int:unit_id>/import/", hr_people.employee_import, name="hr_import"),
    path("einheit/<int:unit_id>/zuweisen/", assignments.assignment_new, name="hr_assignment_new"),
    path("einheit/<int:unit_id>/zuweisungen/", assignments.hr_assignments, name="hr_assignments"),
    path("zuweisung/<int:pk>/", assignments.hr_assignment_edit, name="hr_assignment_edit"),
    path(
        "zuweisung/<int:pk>/aufheben/",
        assignments.hr_assignment_cancel,
        name="hr_assignment_cancel",
    ),
    path("person/<int:user_id>/", hr_people.employee, name="hr_employee"),
    path("person/<int:user_id>/austritt/", departures.hr_employment_end, name="hr_employment_end"),
    path("einheit/<int:unit_id>/ehemalige/", departures.hr_former_staff, name="hr_former_staff"),
    path("einheit/<int:unit_id>/abgleich/", people_sync.hr_sync, name="hr_sync"),
    path("einheit/<int:unit_id>/verzeichnis/", directory.hr_directory, name="hr_directory"),
    path("einheit/<int:unit_id>/domains/", registration.hr_email_domains, name="hr_email_domains"),
    path(
        "einheit/<int:unit_id>/anmeldung/",
        identity_providers.hr_identity_providers,
        name="hr_identity_providers",
    ),
    path(
        "einheit/<int:unit_id>/anmeldung/<int:pk>/",
        identity_providers.hr_identity_providers,
        name="hr_identity_provider",
    ),
    path(
        "einheit/<int:unit_id>/registrierungen/",
        registration.hr_registrations,
        name="hr_registrations",
    ),
    path("abgleich/<int:pk>/", people_sync.hr_sync_detail, name="hr_sync_detail"),
    path("abgleich/<int:pk>/anwenden/", people_sync.hr_sync_apply, name="hr_sync_apply"),
    path(
        "person/<int:user_id>/zeitverlaengerung/",
        exam_time.hr_time_extension,
        name="hr_time_extension",
    ),
    path("einheit/<int:unit_id>/protokoll/", hr_matrix.audit_log, name="hr_audit_log"),
    path(
        "einheit/<int:unit_id>/rechtsaenderungen/",
        legal_updates.hr_legal_updates,
        name="hr_legal_updates",
    ),
    path(
        "einheit/<int:unit_id>/rechtsaenderungen/<int:change_id>/update/",
        legal_updates.hr_legal_update_assign,
        name="hr_legal_update_assign",
    ),
    path("namen/", hr_names.name_requests, name="hr_name_requests"),
    path("einheit/<int:unit_id>/einladungen/", invitations.hr_invitations, name="hr_invitations"),
    path(
        "einheit/<int:unit_id>/einladen/<int:user_id>/",
        invitations.hr_invitation_send,
        name="hr_invitation_send",
    ),
    path("namen/<int:pk>/", hr_names.name_request_decide, name="hr_name_request_decide"),
    path("person/<int:user_id>/nachweis/", hr_proofs.external_upload, name="hr_external_upload"),
    path(
        "person/<int:user_id>/nachweis/<int:pk>/pruefen/",
        hr_proofs.external_review,
        name="hr_external_review",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", readiness.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("scim/v2/", include("lms.scim.urls")),
    path("sprache/", views.language_switch, name="language_switch"),
    path("suche/", search.site_search_view, name="site_search"),
    path("konto/", include(account_patterns)),
    path("lernen/", include(learning_patterns)),
    path("personal/", include(hr_patterns)),
    path("barrierefreiheit/", legal.accessibility_statement, name="accessibility_statement"),
    re_path(
        r"^(?P<kind>impressum|datenschutz|leichte-sprache|gebaerdensprache)/$",
        legal.legal_page,
        name="legal_page",
    ),
    path("xapi/activities/page/<int:page_id>", xapi.activity, name="xapi_activity"),
    path("xapi/extensions/<slug:name>", xapi.extension, name="xapi_extension"),
    path("organisationen/", views.organisation_list, name="organisation_list"),
    path("organisationen/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("netzwerk/", include("cdo_network.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
