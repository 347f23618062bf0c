"""The demo HR user of Bonn assigns a mandatory course, sees the matrix, exports it, and sees
nothing of Köln."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lms.management.commands.seed_demo import DEMO_PASSWORD
from lms.models import Organisation
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser


def test_hr_assigns_course_and_reads_matrix(browser, live_server, demo_site, axe, screenshot):
    """Assign → matrix shows who completed it → CSV and XLSX exports → key
    figures → neighbour's unit
    is a 404."""
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1400, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    login(page, live_server, "personal.bonn@demo.kommunal-campus.de", DEMO_PASSWORD)
    page.get_by_role("link", name="Organisationen").click()
    page.get_by_role("link", name="Bundesstadt Bonn").click()
    page.get_by_role("link", name="Qualifizierungsübersicht").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bundesstadt Bonn")
    expect(page.get_by_role("link", name="Jana Becker")).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "hr-matrix")

    page.get_by_role("link", name="Pflichtkurs zuweisen").click()
    page.get_by_label("Kurs").select_option(label="Die Rolle des Chief Digital Officer")
    page.get_by_label("Fällig am").fill("2027-03-31")
    page.get_by_role("button", name="Zuweisen").click()
    expect(
        page.get_by_text(
            "Der Kurs „Die Rolle des Chief Digital Officer“ ist Bundesstadt Bonn zugewiesen."
        )
    ).to_be_visible()
    row = page.get_by_role("row", name="Jana Becker")
    expect(row).to_contain_text("vorhanden")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als CSV exportieren").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as exported:
        content = exported.read()
    assert "Jana Becker" in content and "Jonas Richter" not in content

    page.get_by_role("button", name="Als Excel exportieren (XLSX)").click()
    download_link = page.get_by_role("link", name=re.compile(r"Excel-Datei mit \d+ Zeilen"))
    expect(download_link).to_be_visible()  # Celery runs eagerly here: ready at once
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "hr-export")
    with page.expect_download() as download_info:
        download_link.click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    names = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    assert names[0] == "Name" and "Jana Becker" in names and "Jonas Richter" not in names
    page.go_back()

    page.get_by_role("link", name="Kennzahlen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kennzahlen: Bundesstadt Bonn")
    expect(page.get_by_role("table").first).to_be_visible()
    assert axe(page) == [], format_violations(axe(page))
    screenshot(page, "hr-dashboard")

    koeln = Organisation.objects.get(ags="05315000")
    response = page.goto(f"{live_server.url}/personal/einheit/{koeln.pk}/")
    assert response.status == 404
    context.close()
