"""Uploads in the HR area, as people do them: an employee uploads a PDF certificate of external
training, HR of Bonn approves it and the matrix counts it; HR imports employees from a CSV file,
reads the German row errors in the preview and confirms the valid rows."""

import pytest
from playwright.sync_api import expect

from lms.management.commands.seed_demo import DEMO_PASSWORD
from lms.models import Membership, Organisation, User
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _matrix_cell(page, person: str, course: str):
    headers = page.locator("table.matrix thead th").all_inner_texts()
    return page.get_by_role("row", name=person).locator("td").nth(headers.index(course) - 1)


def _course_not_held(user_email: str) -> str:
    """A course of Bonn's matrix the person has not completed themselves."""
    from courses.models import CoursePage

    return (
        CoursePage.objects.filter(required_by_profiles__isnull=False)
        .exclude(enrolments__user__email=user_email, enrolments__status="completed")
        .order_by("title")
        .values_list("title", flat=True)
        .first()
    )


def test_external_qualification_upload_approve_matrix(browser, live_server, demo_site, axe):
    """Employee uploads a PDF proof → HR approves it → the matrix shows it as held."""
    learner = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = learner.new_page()
    login(page, live_server, "lernende@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/lernen/nachweise/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nachweis einer externen Fortbildung")
    course = _course_not_held("lernende@demo.kommunal-campus.de")
    page.get_by_label("Qualifikation").select_option(label=course)
    page.get_by_label("Titel der Fortbildung").fill("Datenkompetenz für Verwaltungen")
    page.get_by_label("Anbieter").fill("Bayerische Verwaltungsschule")
    page.get_by_label("Abgeschlossen am").fill("2026-10-01")
    page.get_by_label("Gültig bis").fill("2029-10-01")
    page.get_by_label("Nachweis (PDF)").set_input_files(
        {"name": "zertifikat.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_text("Der Nachweis wurde hochgeladen")).to_be_visible()
    expect(page.get_by_role("row", name="Datenkompetenz für Verwaltungen")).to_contain_text(
        "Wartet auf Prüfung"
    )
    assert axe(page) == [], format_violations(axe(page))
    learner.close()

    hr = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 900})
    page = hr.new_page()
    login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    bonn = Organisation.objects.get(ags="05314000")
    page.goto(f"{live_server.url}/personal/einheit/{bonn.pk}/")
    expect(_matrix_cell(page, "Şeyma Çelik", course)).not_to_contain_text("vorhanden")
    person = User.objects.get(email="lernende@demo.kommunal-campus.de")
    page.goto(f"{live_server.url}/personal/person/{person.pk}/")
    page.get_by_role("row", name="Datenkompetenz für Verwaltungen").get_by_role(
        "button", name="Anerkennen"
    ).click()
    expect(page.get_by_text("Der Nachweis „Datenkompetenz für Verwaltungen“")).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    page.goto(f"{live_server.url}/personal/einheit/{bonn.pk}/")
    cell = _matrix_cell(page, "Şeyma Çelik", course)
    expect(cell).to_contain_text("vorhanden")
    expect(cell).to_contain_text("01.10.2029")
    hr.close()


def test_people_import_preview_errors_then_confirm(browser, live_server, demo_site, axe):
    """CSV upload → preview with a German row error → confirm imports only the valid row."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    bonn = Organisation.objects.get(ags="05314000")
    page.goto(f"{live_server.url}/personal/einheit/{bonn.pk}/")
    page.get_by_role("link", name="Beschäftigte importieren (CSV)").click()
    csv_text = (
        "Name;E-Mail;Einheit;Stellenprofil\n"
        "Greta Neu;greta.neu@bonn.example;Bürgerdienste;Sachbearbeitung Bürgeramt\n"
        "Paul Falsch;paul.falsch@bonn.example;Bürgerdienste;Hausmeisterei\n"
    )
    page.get_by_label("CSV-Datei").set_input_files(
        {"name": "personal.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}
    )
    page.get_by_role("button", name="Vorschau anzeigen").click()
    expect(page.get_by_role("row", name="Paul Falsch")).to_contain_text(
        "Unbekanntes Stellenprofil „Hausmeisterei“."
    )
    expect(page.get_by_role("row", name="Greta Neu")).to_contain_text("wird angelegt")
    assert not User.objects.filter(email="greta.neu@bonn.example").exists()
    assert axe(page) == [], format_violations(axe(page))

    page.get_by_role("button", name="Import bestätigen").click()
    expect(page.get_by_text("Import abgeschlossen")).to_be_visible()
    expect(page.get_by_role("link", name="Greta Neu")).to_be_visible()
    membership = Membership.objects.get(user__email="greta.neu@bonn.example")
    assert membership.organisation.name == "Bürgerdienste"
    assert not User.objects.filter(email="paul.falsch@bonn.example").exists()
    context.close()


def test_hr_sync_shows_the_difference_and_applies_it(
    browser, live_server, demo_site, axe, screenshot
):
    """The HR office of Bonn uploads its full export: the page shows new, changed, left and
    every row with its change; after "Änderungen übernehmen" the newcomer is in the matrix and
    the leaver is under former staff."""
    bonn = Organisation.objects.get(ags="05314000")
    employees = list(
        User.objects.filter(
            memberships__organisation__path__startswith=bonn.path, memberships__role="learner"
        )
        .exclude(memberships__role__in=["hr", "org_admin", "trainer"])
        .distinct()
        .order_by("email")
    )
    staying, leaving = employees[:-1], employees[-1]
    lines = ["Name;E-Mail;Einheit;Stellenprofil"]
    for person in staying:
        membership = Membership.objects.filter(user=person).select_related("organisation").first()
        profile = membership.job_profiles.first()
        lines.append(
            f"{person.full_name};{person.email};{membership.organisation.name};"
            f"{profile.name if profile else ''}"
        )
    lines.append("Greta Neu;greta.neu@bonn.example;Bürgerdienste;Sachbearbeitung Bürgeramt")
    lines.append("Paul Falsch;paul.falsch@bonn.example;Amt für Träume;")

    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/personal/einheit/{bonn.pk}/")
    page.get_by_role("link", name="Abgleich mit dem Personalsystem").click()
    assert axe(page) == [], format_violations(axe(page))
    page.locator("#id_file").set_input_files(
        {"name": "loga.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}
    )
    page.locator("#id_unit_column").fill("Einheit")
    page.locator("#id_job_profile_column").fill("Stellenprofil")
    page.get_by_role("button", name="Hochladen und prüfen").click()

    expect(page.get_by_role("heading", name="Ergebnis des Abgleichs")).to_be_visible()
    counts = page.locator("table.sync-counts")
    expect(counts.get_by_role("row", name="Neu")).to_contain_text("1")
    expect(counts.get_by_role("row", name="Ausgeschieden")).to_contain_text("1")
    expect(page.get_by_role("row", name="Paul Falsch")).to_contain_text("Unbekannte Einheit")
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "hr-sync")
    if page.locator("#leavers-confirmed").count():
        page.locator("#leavers-confirmed").check()
    page.get_by_role("button", name="Änderungen übernehmen").click()
    expect(page.get_by_text("Übernommen am")).to_be_visible()

    page.goto(f"{live_server.url}/personal/einheit/{bonn.pk}/ehemalige/")
    expect(page.get_by_role("row", name=leaving.full_name)).to_contain_text("Abgleich")
    assert axe(page) == [], format_violations(axe(page))
    assert Membership.objects.get(user__email="greta.neu@bonn.example").organisation.name == (
        "Bürgerdienste"
    )
    context.close()
