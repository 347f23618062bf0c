"""URLs of the CDO network, mounted at /netzwerk/ (event and project pages are Wagtail pages)."""

from django.urls import path

from .views import catalogue, circles, directory, events, stocktaking

app_name = "cdo_network"

urlpatterns = [
    path("", directory.overview, name="overview"),
    path("verzeichnis/", directory.directory, name="directory"),
    path("verzeichnis/<int:pk>/", directory.directory_detail, name="directory_detail"),
    path("mein-eintrag/", directory.profile_edit, name="profile_edit"),
    path("mein-eintrag/loeschen/", directory.profile_remove, name="profile_remove"),
    path("expertenkreise/", circles.circle_list, name="circle_list"),
    path("expertenkreise/<slug:slug>/", circles.circle_detail, name="circle_detail"),
    path("expertenkreise/<slug:slug>/beitreten/", circles.circle_join, name="circle_join"),
    path("expertenkreise/<slug:slug>/verlassen/", circles.circle_leave, name="circle_leave"),
    path(
        "expertenkreise/<slug:slug>/zusammenfassung/", circles.circle_digest, name="circle_digest"
    ),
    path(
        "expertenkreise/<slug:slug>/anfragen/<int:pk>/aufnehmen/",
        circles.circle_approve,
        name="circle_approve",
    ),
    path("expertenkreise/<slug:slug>/themen/neu/", circles.thread_create, name="thread_create"),
    path(
        "expertenkreise/<slug:slug>/themen/<int:pk>/", circles.thread_detail, name="thread_detail"
    ),
    path(
        "expertenkreise/<slug:slug>/beitraege/<int:pk>/ausblenden/",
        circles.post_hide,
        name="post_hide",
    ),
    path(
        "expertenkreise/<slug:slug>/beitraege/<int:pk>/melden/",
        circles.post_report,
        name="post_report",
    ),
    path(
        "expertenkreise/<slug:slug>/anhaenge/<int:pk>/",
        circles.attachment_download,
        name="attachment_download",
    ),
    path("veranstaltungen/kalender.ics", events.events_feed, name="events_feed"),
    path("veranstaltungen/meine/", events.my_events, name="my_events"),
    path("veranstaltungen/<int:pk>/anmelden/", events.register, name="event_register"),
    path("veranstaltungen/<int:pk>/abmelden/", events.cancel, name="event_cancel"),
    path("veranstaltungen/<int:pk>/kalender.ics", events.event_ical, name="event_ical"),
    path("veranstaltungen/<int:pk>/teilnahme/", events.attendance, name="event_attendance"),
    path("projekte/einreichen/", catalogue.project_submit, name="project_submit"),
    path("foerderprogramme/", catalogue.funding_list, name="funding_list"),
    path(
        "foerderprogramme/<int:pk>/erinnerung/",
        catalogue.funding_subscribe,
        name="funding_subscribe",
    ),
    path("standards/", catalogue.standards_list, name="standards_list"),
    path("bestandsaufnahme/", stocktaking.stocktaking_home, name="stocktaking_home"),
    path("bestandsaufnahme/neu/", stocktaking.stocktaking_new, name="stocktaking_new"),
    path("bestandsaufnahme/<int:pk>/", stocktaking.stocktaking_result, name="stocktaking_result"),
]
