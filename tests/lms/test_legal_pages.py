"""From any page's footer a visitor reaches the Impressum, the privacy notice and the
accessibility statement (with its feedback form), and the information in Leichte Sprache and
Deutsche Gebärdensprache; the operator edits them in Wagtail."""

import pytest
from django.core import mail
from django.urls import reverse

from cdo_network.demo import ensure_site_root
from lms.models import AccessibilityFeedback, AccessibilityStatementPage, LegalPage
from lms.services.legal import legal_pages_ensure

PAGES = {
    "/impressum/": "Impressum",
    "/datenschutz/": "Datenschutzerklärung",
    "/barrierefreiheit/": "Erklärung zur Barrierefreiheit",
    "/leichte-sprache/": "Leichte Sprache",
    "/gebaerdensprache/": "Informationen in Deutscher Gebärdensprache",
}


@pytest.mark.parametrize("start", ["/", "/konto/anmelden/", "/verify/"])
def test_every_footer_links_the_legal_pages(client, db, start):
    """The footer of public pages links all five; each answers with its German text even
    before the operator has published a page (the default text)."""
    html = client.get(start, follow=True).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for url, title in PAGES.items():
        assert f'href="{url}"' in footer, url
        response = client.get(url)
        assert response.status_code == 200, url
        assert f"<h1>{title}</h1>" in response.content.decode()


def test_privacy_notice_names_purposes_legal_bases_retention_and_rights(client, db):
    html = client.get("/datenschutz/").content.decode()
    for required in (
        "Art. 6 Abs. 1",
        "90 Tage",
        "Art. 15 DSGVO",
        "Art. 77 DSGVO",
        "Datenschutzbeauftragte",
    ):
        assert required in html, required


def test_operator_edits_are_shown_and_never_overwritten(client, db):
    """Pages are created once with the default text; the published edit is what visitors see,
    and running the set-up again keeps it."""
    home = ensure_site_root()
    assert set(legal_pages_ensure(parent=home)) == {
        "impressum",
        "datenschutz",
        "leichte-sprache",
        "gebaerdensprache",
        "barrierefreiheit",
    }
    imprint = LegalPage.objects.get(kind="impressum")
    imprint.body = [{"type": "paragraph", "value": "<p>Stadt Musterhausen, Rathausplatz 1</p>"}]
    imprint.save_revision().publish()
    assert legal_pages_ensure(parent=home) == []
    html = client.get("/impressum/").content.decode()
    assert "Rathausplatz 1" in html and "[Straße und Hausnummer]" not in html


def test_accessibility_feedback_reaches_the_operator(
    client, db, django_capture_on_commit_callbacks
):
    """The form stores the feedback for the admin list and mails the statement's address."""
    legal_pages_ensure(parent=ensure_site_root())
    statement = AccessibilityStatementPage.objects.get()
    statement.feedback_email = "barrierefreiheit@musterhausen.de"
    statement.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accessibility_statement"),
            {
                "message": "Das Quiz lässt sich nicht mit der Tastatur abgeben.",
                "page_url": "/lernen/",
            },
            follow=True,
        )
    assert "Ihre Rückmeldung wurde an den Betreiber gesendet" in response.content.decode()
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.page_url == "/lernen/" and feedback.mailed_at is not None
    assert [m.to for m in mail.outbox] == [["barrierefreiheit@musterhausen.de"]]
    assert "nicht mit der Tastatur" in mail.outbox[0].body


def test_empty_feedback_is_refused_with_a_german_message(client, db):
    response = client.post(reverse("accessibility_statement"), {"message": "  ", "name": "Eva"})
    html = response.content.decode()
    assert response.status_code == 400 and "Dieses Feld muss ausgefüllt werden." in html
    assert 'value="Eva"' in html  # what was typed stays
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_list_in_the_admin(client, db, django_user_model):
    AccessibilityFeedback.objects.create(message="Kontrast der Schaltfläche zu gering")
    operator = django_user_model.objects.create_superuser(
        email="betrieb@example.org", full_name="Betrieb", password="Betrieb-2026-x"
    )
    client.force_login(operator)
    html = client.get("/cms/snippets/lms/accessibilityfeedback/").content.decode()
    assert "Kontrast der Schaltfläche zu gering" in html
