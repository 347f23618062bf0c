"""The CDO network as a new user tries it: directory, circle, event with waiting list and
calendar, project, funding programme and stocktaking; axe-core on every page."""

import icalendar
import pytest
from django.core import mail
from playwright.sync_api import expect

from lms.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import format_violations, login

pytestmark = pytest.mark.browser

CDO = "cdo.bonn@demo.kommunal-campus.de"
LEARNER = "lernende@demo.kommunal-campus.de"


def _accessible(axe, page):
    violations = axe(page)
    assert violations == [], format_violations(violations)


def test_cdo_finds_peers_joins_circle_and_posts(page, live_server, demo_site, axe, screenshot):
    """A CDO filters the directory by topic, opens a peer, joins an open circle and posts."""
    login(page, live_server, CDO, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="CDO-Netzwerk").first.click()
    page.get_by_role("navigation", name="CDO-Netzwerk").get_by_role(
        "link", name="Verzeichnis"
    ).click()
    page.wait_for_url("**/netzwerk/verzeichnis/")
    page.get_by_label("Thema").select_option(label="Offene Daten")
    page.get_by_label("Land", exact=True).select_option(label="Nordrhein-Westfalen")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("heading", name="2 Personen gefunden")).to_be_visible()
    expect(page.get_by_role("link", name="Katharina Brandt")).to_be_visible()
    expect(page.get_by_role("link", name="Florian Huber")).to_have_count(0)  # Bayern
    _accessible(axe, page)
    screenshot(page, "cdo-directory")
    page.get_by_role("link", name="Katharina Brandt").click()
    expect(page.get_by_role("heading", level=1, name="Katharina Brandt")).to_be_visible()
    expect(page.get_by_text("Leiterin Digitalstrategie")).to_be_visible()

    page.goto(f"{live_server.url}/netzwerk/expertenkreise/")
    _accessible(axe, page)
    page.get_by_role("button", name="„Smart-City-Strategien“ beitreten").click()
    page.get_by_role("heading", level=1, name="Smart-City-Strategien").wait_for()
    page.get_by_label("Titel der Diskussion").fill("Wie messt ihr den Erfolg eurer Strategie?")
    page.get_by_label("Text").fill("Wir suchen **Kennzahlen**, die der Rat versteht.")
    page.get_by_role("button", name="Diskussion veröffentlichen").click()
    page.get_by_role(
        "heading", level=1, name="Wie messt ihr den Erfolg eurer Strategie?"
    ).wait_for()
    expect(page.locator(".post-body strong", has_text="Kennzahlen")).to_be_visible()
    page.get_by_label("Ihre Antwort").fill("Nachtrag: gern auch Beispiele aus Mittelstädten.")
    page.get_by_role("button", name="Antwort veröffentlichen").click()
    page.get_by_text("Nachtrag: gern auch Beispiele").wait_for()
    _accessible(axe, page)
    screenshot(page, "cdo-circle")


def test_closed_circle_is_hidden_from_non_members(page, live_server, demo_site):
    """A member outside the closed circle may ask to join but cannot read it (404)."""
    login(page, live_server, CDO, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/netzwerk/expertenkreise/informationssicherheit/")
    assert response.status == 404
    page.goto(f"{live_server.url}/netzwerk/expertenkreise/")
    page.get_by_role(
        "button", name="Aufnahme in „Informationssicherheit in Kommunen“ anfragen"
    ).click()
    expect(page.get_by_text("Ihre Anfrage ist an die Moderation gegangen.")).to_be_visible()


def test_register_for_full_event_and_get_promoted(
    browser, page, live_server, demo_site, axe, screenshot
):
    """On the fully booked office hour the learner joins the waiting list; when someone
    cancels they move up, and the calendar file parses with Berlin times."""
    from lms.models import User

    login(page, live_server, LEARNER, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/veranstaltungen/")
    _accessible(axe, page)
    page.get_by_role("link", name="Online-Sprechstunde OParl").click()
    expect(page.get_by_text("0 von 2 Plätzen frei")).to_be_visible()
    page.get_by_role("button", name="Auf die Warteliste setzen").click()
    expect(page.get_by_text("Auf der Warteliste, Platz 1")).to_be_visible()
    _accessible(axe, page)
    screenshot(page, "cdo-event")

    # A participant cancels in their own browser; the learner moves up.
    peer = User.objects.get(email="digital.koeln@demo.kommunal-campus.de")
    peer.set_password(DEMO_PASSWORD)
    peer.save(update_fields=["password"])
    other = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin").new_page()
    login(other, live_server, peer.email, DEMO_PASSWORD)
    other.wait_for_url(f"{live_server.url}/")
    other.goto(f"{live_server.url}/veranstaltungen/sprechstunde-oparl/")
    other.get_by_role("button", name="Anmeldung stornieren").click()
    expect(other.get_by_text("Ihre Anmeldung ist storniert.")).to_be_visible()
    other.context.close()
    page.reload()
    expect(page.get_by_text("Angemeldet – Ihr Platz ist bestätigt")).to_be_visible()
    expect(page.get_by_role("link", name="Online-Link")).to_be_visible()
    promoted = [
        m for m in mail.outbox if m.to == [LEARNER] and not m.subject.startswith("Ihr Zertifikat")
    ]
    assert [m.subject for m in promoted] == ["Ihr Platz ist bestätigt: Online-Sprechstunde OParl"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="In den Kalender übernehmen (.ics)").click()
    calendar = icalendar.Calendar.from_ical(open(download_info.value.path(), "rb").read())  # noqa: SIM115
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Online-Sprechstunde OParl"
    assert vevent["dtstart"].params["TZID"] == "Europe/Berlin"


def test_project_funding_and_stocktaking(page, live_server, demo_site, axe, screenshot):
    """The CDO finds a mobility project and an open programme, then completes the
    stocktaking and gets recommended courses for the weakest dimensions."""
    login(page, live_server, CDO, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/projektdatenbank/")
    page.get_by_role("group", name="Handlungsfeld").get_by_label("Mobilität (1)").check()
    page.get_by_role("button", name="Projekte anzeigen").click()
    page.get_by_role("link", name="Parkraumsensorik und offene Verkehrsdaten").click()
    expect(page.get_by_text("Beispielprojekt (fiktiv):")).to_be_visible()
    _accessible(axe, page)
    screenshot(page, "cdo-project")

    page.goto(f"{live_server.url}/netzwerk/foerderprogramme/")
    page.get_by_label("Jetzt offen").check()
    page.get_by_label("Thema").select_option(label="Energie und Klima")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**open=1**")
    expect(
        page.get_by_role("heading", name="Kommunalrichtlinie (Nationale Klimaschutzinitiative)")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Modellprojekte Smart Cities")).to_have_count(0)
    _accessible(axe, page)
    screenshot(page, "cdo-funding")

    page.goto(f"{live_server.url}/netzwerk/bestandsaufnahme/")
    page.get_by_role("link", name="Bestandsaufnahme beginnen").click()
    page.get_by_label("Organisation").select_option(label="Bundesstadt Bonn")
    groups = page.locator("fieldset.choice-group")
    expect(groups).to_have_count(18)
    for index in range(18):
        group = groups.nth(index)
        answer = "kaum" if index in (6, 7, 8) else "weitgehend"  # the data dimension is weakest
        group.get_by_label(answer, exact=True).check()
    _accessible(axe, page)
    page.get_by_role("button", name="Ergebnis anzeigen").click()
    page.get_by_role("heading", level=1, name="Ergebnis der Bestandsaufnahme").wait_for()
    expect(page.get_by_role("img", name="Netzdiagramm der sechs Dimensionen")).to_be_visible()
    expect(page.get_by_role("row", name="Daten 2,0")).to_be_visible()
    # The weak data dimension leads to the live data-management course (a real page).
    course_link = page.get_by_role("link", name="Datenmanagement in der Kommune")
    expect(course_link.first).to_be_visible()
    expect(page.get_by_text("Durchschnitt ähnlicher Kommunen")).to_be_visible()
    _accessible(axe, page)
    screenshot(page, "cdo-stocktaking")


def test_network_pages_fit_a_phone(browser, live_server, demo_site, axe):
    """The network pages need no horizontal scrolling on a phone and pass axe-core there."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    page = context.new_page()
    login(page, live_server, CDO, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    for path in (
        "/netzwerk/",
        "/netzwerk/verzeichnis/",
        "/netzwerk/expertenkreise/",
        "/netzwerk/standards/",
        "/netzwerk/veranstaltungen/meine/",
        "/veranstaltungen/sprechstunde-oparl/",
        "/projektdatenbank/",
        "/netzwerk/bestandsaufnahme/neu/",
        "/netzwerk/foerderprogramme/",
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: page is {width}px wide"
        _accessible(axe, page)
    context.close()
