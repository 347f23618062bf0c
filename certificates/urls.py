"""URLs of the certificates app: public verification and the signed-in pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify_start, name="certificate_verify_start"),
    path("verify/<str:code>/", views.verify, name="certificate_verify"),
    path("zertifikate/", views.certificate_list, name="certificate_list"),
    path("zertifikate/jwks.json", views.jwks, name="certificate_jwks"),
    path(".well-known/jwks.json", views.jwks, name="well_known_jwks"),
    path("zertifikate/schluessel/<str:kid>", views.signing_key, name="certificate_key"),
    path("zertifikate/aussteller", views.issuer, name="certificate_issuer"),
    path("zertifikate/kurse/<int:course_id>", views.achievement, name="certificate_achievement"),
    path("zertifikate/status/<int:number>", views.status_list, name="certificate_status_list"),
    path("zertifikate/<int:pk>/pdf/", views.certificate_download, name="certificate_download"),
    path("zertifikate/<int:pk>/badge/", views.certificate_badge, name="certificate_badge"),
    path(
        "zertifikate/kurs/<int:course_id>/rezertifizieren/",
        views.recertify,
        name="certificate_recertify",
    ),
    path("zertifikate/verwaltung/", views.hr_certificate_list, name="certificate_hr_list"),
    path(
        "zertifikate/verwaltung/<int:pk>/widerrufen/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "zertifikate/verwaltung/<int:pk>/korrigieren/",
        views.certificate_correct,
        name="certificate_correct",
    ),
    path(
        "zertifikate/verwaltung/organisation/<int:organisation_id>/zip/",
        views.organisation_zip,
        name="certificate_organisation_zip",
    ),
    path("zertifikate/verwaltung/export/<int:pk>/", views.export_status, name="certificate_export"),
    path(
        "zertifikate/verwaltung/export/<int:pk>/zip/",
        views.export_download,
        name="certificate_export_download",
    ),
]
