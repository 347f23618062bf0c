"""Certificate templates in the Wagtail admin: listed as snippets, previewed as a PDF."""

import io

from django.urls import reverse
from pypdf import PdfReader

from certificates.services import certificate_template_default
from tests.factories import UserFactory


def test_template_snippet_lists_with_preview(client, db):
    """An admin sees the templates as snippets, each with a PDF preview in its wording."""
    template = certificate_template_default()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get("/cms/snippets/certificates/certificatetemplate/")
    preview_url = reverse("certificate_template_preview", args=[template.pk])
    assert listing.status_code == 200 and preview_url in listing.content.decode()
    response = client.get(preview_url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert template.signatory_name in text and "Maria Musterfrau" in text


def test_template_preview_needs_admin_access(client, db):
    """Learners cannot open the admin preview."""
    template = certificate_template_default()
    client.force_login(UserFactory())
    response = client.get(reverse("certificate_template_preview", args=[template.pk]))
    assert response.status_code in (302, 403)


def test_certificates_listed_read_only_in_django_admin(client, issued):
    """Platform admins find certificates in the Django admin, where they cannot be edited."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    listing = client.get("/django-admin/certificates/certificate/")
    assert listing.status_code == 200 and issued.serial in listing.content.decode()
    response = client.get(f"/django-admin/certificates/certificate/{issued.pk}/change/")
    assert (
        response.status_code == 200
        and 'type="submit" value="Save"' not in response.content.decode()
    )
