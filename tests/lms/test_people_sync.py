"""HR sync: the HR office of Bonn uploads its full export, sees who is new, changed and gone
(and every row with its German error), confirms, and the platform follows: new people are
invited, movers move, leavers leave the matrix. The same file again changes nothing."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms import services
from lms.models import Departure, JobProfile, Membership, PeopleSync, PeopleSyncRow, User
from tests.factories import make_member, make_organisation

pytestmark = pytest.mark.django_db

HEADER = "Name;Dienstliche E-Mail;Organisationseinheit;Stelle"
COLUMNS = {
    "name_column": "Name",
    "email_column": "Dienstliche E-Mail",
    "unit_column": "Organisationseinheit",
    "job_profile_column": "Stelle",
}


@pytest.fixture
def bonn(gemeinde_a, amt_a, hr_a, employee_b):
    """Bürgerdienste and Ordnungsamt of Bonn with four employees, and HR of Bonn."""
    ordnungsamt = make_organisation("Ordnungsamt Bonn", parent=gemeinde_a)
    profile = JobProfile.objects.create(name="Sachbearbeitung Bürgerdienste")

    def person(name, email, unit=amt_a):
        user = make_member(unit, full_name=name, email=email)
        services.membership_set(user=user, organisation=unit, job_profiles=[profile])
        return user

    people = {
        "bleibt": person("Berta Bleibt", "berta.bleibt@bonn.de"),
        "wechselt": person("Willi Wechsel", "willi.wechsel@bonn.de"),
        "heiratet": person("Hanna Alt", "hanna.alt@bonn.de"),
        "geht": person("Gerd Geht", "gerd.geht@bonn.de"),
    }
    return gemeinde_a, amt_a, ordnungsamt, profile, people


def export(*lines: str, encoding="cp1252") -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


FILE = export(
    "Berta Bleibt;berta.bleibt@bonn.de;Bürgerdienste Bonn;Sachbearbeitung Bürgerdienste",
    "Willi Wechsel;willi.wechsel@bonn.de;Ordnungsamt Bonn;Sachbearbeitung Bürgerdienste",
    "Hanna Neu;hanna.alt@bonn.de;Bürgerdienste Bonn;Sachbearbeitung Bürgerdienste",
    "Jana Jüngst;jana.juengst@bonn.de;Ordnungsamt Bonn;Sachbearbeitung Bürgerdienste",
    "Uwe Unbekannt;uwe@bonn.de;Amt für Träume;",
    "Jana Doppelt;jana.juengst@bonn.de;Ordnungsamt Bonn;",
    "Bernd Köln;bernd.koeln@koeln.de;Ordnungsamt Bonn;",
)


def upload(client, gemeinde, content: bytes, name="loga-export.csv", columns=COLUMNS):
    data = {"file": SimpleUploadedFile(name, content), **columns}
    return client.post(reverse("hr_sync", args=[gemeinde.pk]), data)


@pytest.fixture
def signed_in_hr(client, hr_a, django_capture_on_commit_callbacks):
    client.force_login(hr_a)

    def run(callable_, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_(*args, **kwargs)

    return client, run


def test_hr_sees_the_difference_then_applies_it(signed_in_hr, bonn, employee_b, hr_a):
    client, run = signed_in_hr
    gemeinde, amt, ordnungsamt, profile, people = bonn
    employee_b.email = "bernd.koeln@koeln.de"
    employee_b.save()

    response = run(upload, client, gemeinde, FILE)

    sync = PeopleSync.objects.get()
    assert response["Location"] == reverse("hr_sync_detail", args=[sync.pk])
    assert sync.status == PeopleSync.Status.CHECKED
    assert {k: sync.counts[k] for k in ("join", "move", "leave", "same", "error")} == {
        "join": 1,
        "move": 2,
        "leave": 1,
        "same": 1,
        "error": 3,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Unbekannte Einheit „Amt für Träume“" in page
    assert "kommt in der Datei mehr als einmal vor" in page
    assert "gehört zu einer Person einer anderen Organisation" in page
    assert "Gerd Geht" in page and "Jana Jüngst" in page  # Windows-1252 read right
    assert User.objects.filter(email="jana.juengst@bonn.de").count() == 0  # nothing written yet

    assert "25 % der Personen dieser Einheit würden ausscheiden" in page  # 1 of 4 employees
    run(client.post, reverse("hr_sync_apply", args=[sync.pk]), {"leavers_confirmed": "1"})

    sync.refresh_from_db()
    assert sync.status == PeopleSync.Status.APPLIED
    jana = User.objects.get(email="jana.juengst@bonn.de")
    assert jana.certificate_name == "Jana Jüngst"  # the HR record names the certificate
    membership = Membership.objects.get(user=jana)
    assert membership.organisation == ordnungsamt and list(membership.job_profiles.all()) == [
        profile
    ]
    assert [m.to for m in mail.outbox] == [["jana.juengst@bonn.de"]]  # the invitation
    assert Membership.objects.get(user=people["wechselt"]).organisation == ordnungsamt
    people["heiratet"].refresh_from_db()
    assert people["heiratet"].certificate_name == "Hanna Neu"
    leaver = User.objects.get(pk=people["geht"].pk)
    assert not leaver.is_active and Departure.objects.get(user=leaver).source == "sync"
    assert Membership.objects.filter(user=hr_a).exists()  # HR is not in the file: stays
    assert Membership.objects.filter(user=employee_b).exists()  # Köln untouched
    matrix = client.get(reverse("hr_matrix", args=[gemeinde.pk])).content.decode()
    assert "Jana Jüngst" in matrix and "Gerd Geht" not in matrix


def test_the_same_file_again_changes_nothing(signed_in_hr, bonn):
    client, run = signed_in_hr
    gemeinde, *_ = bonn
    run(upload, client, gemeinde, FILE)
    confirmed = {"leavers_confirmed": "1"}
    run(client.post, reverse("hr_sync_apply", args=[PeopleSync.objects.get().pk]), confirmed)
    users, memberships = User.objects.count(), Membership.objects.count()

    run(upload, client, gemeinde, FILE)

    second = PeopleSync.objects.order_by("-pk").first()
    assert [second.counts[k] for k in ("join", "move", "leave")] == [0, 0, 0]
    run(client.post, reverse("hr_sync_apply", args=[second.pk]))
    assert PeopleSync.objects.get(pk=second.pk).status == PeopleSync.Status.APPLIED
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)


def test_a_truncated_file_needs_explicit_consent_for_the_leavers(signed_in_hr, bonn):
    client, run = signed_in_hr
    gemeinde, amt, _o, _p, people = bonn
    run(upload, client, gemeinde, export("Berta Bleibt;berta.bleibt@bonn.de;;"))
    sync = PeopleSync.objects.get()
    assert sync.counts["leave"] == 3
    page = client.get(reverse("hr_sync_detail", args=[sync.pk])).content.decode()
    assert "75 % der Personen dieser Einheit würden ausscheiden" in page

    response = run(client.post, reverse("hr_sync_apply", args=[sync.pk]), follow=True)

    assert "Bitte bestätigen Sie" in response.content.decode()
    assert PeopleSync.objects.get().status == PeopleSync.Status.CHECKED
    assert all(Membership.objects.filter(user=p).exists() for p in people.values())
    run(client.post, reverse("hr_sync_apply", args=[sync.pk]), {"leavers_confirmed": "1"})
    assert PeopleSync.objects.get().status == PeopleSync.Status.APPLIED
    assert not Membership.objects.filter(user=people["geht"]).exists()


def test_excel_export_with_saved_column_names(signed_in_hr, bonn):
    from openpyxl import Workbook

    client, run = signed_in_hr
    gemeinde, *_ = bonn
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Dienstliche E-Mail", "Organisationseinheit", "Stelle"])
    sheet.append(["Xaver Excel", "xaver.excel@bonn.de", "Ordnungsamt Bonn", None])
    content = io.BytesIO()
    workbook.save(content)

    run(upload, client, gemeinde, content.getvalue(), name="export.xlsx")

    sync = PeopleSync.objects.get()
    assert sync.counts["join"] == 1 and sync.counts["leave"] == 4
    form = client.get(reverse("hr_sync", args=[gemeinde.pk])).content.decode()
    assert 'value="Dienstliche E-Mail"' in form  # the mapping is remembered


def test_a_file_without_the_named_columns_fails_with_a_clear_message(signed_in_hr, bonn):
    client, run = signed_in_hr
    gemeinde, *_ = bonn
    run(upload, client, gemeinde, b"Vorname;Mail\nA;a@bonn.de\n")

    sync = PeopleSync.objects.get()
    assert sync.status == PeopleSync.Status.FAILED
    page = client.get(reverse("hr_sync_detail", args=[sync.pk])).content.decode()
    assert "Die Datei hat keine Spalte „Name“, „Dienstliche E-Mail“" in page
    assert not PeopleSyncRow.objects.exists()


def test_other_file_types_are_refused(signed_in_hr, bonn):
    client, run = signed_in_hr
    gemeinde, *_ = bonn
    response = run(upload, client, gemeinde, b"%PDF-1.7", name="export.pdf")
    assert response.status_code == 200
    assert "Bitte laden Sie eine CSV- oder Excel-Datei (.xlsx) hoch." in response.content.decode()
    assert not PeopleSync.objects.exists()


def test_a_sync_never_moves_or_ends_a_staff_role(signed_in_hr, bonn, hr_a):
    """HR of Bonn is in the export too, under a sub-unit: their HR role (city-wide) stays where
    it is; the sync neither moves nor ends it."""
    client, run = signed_in_hr
    gemeinde, amt, _o, _p, people = bonn
    rows = [
        f"{p.full_name};{p.email};Bürgerdienste Bonn;Sachbearbeitung Bürgerdienste"
        for p in people.values()
    ]
    rows.append(f"{hr_a.full_name};{hr_a.email};Bürgerdienste Bonn;")
    run(upload, client, gemeinde, export(*rows, encoding="utf-8"))

    sync = PeopleSync.objects.get()
    assert sync.rows.get(email=hr_a.email).change == PeopleSyncRow.Change.SAME
    run(client.post, reverse("hr_sync_apply", args=[sync.pk]))
    assert Membership.objects.get(user=hr_a).organisation == gemeinde
    assert Membership.objects.get(user=hr_a).role == Membership.Role.HR
