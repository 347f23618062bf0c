"""The public verification page and the PDF check: no login, nothing more than needed."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates import services
from certificates.models import Certificate


def _verify(client, code):
    return client.get(reverse("certificate_verify", args=[code]))


def test_verify_valid_certificate_shows_only_public_facts(client, issued, learner_a):
    """Anyone sees 'valid' with name, course, dates, serial and issuer, but not the e-mail."""
    response = _verify(client, issued.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="valid"' in html
    assert "Şeyma Çelik" in html and "Vergabe kompakt" in html and issued.serial in html
    assert "Kompetenzzentrum Digitale Städte und Regionen" in html
    assert learner_a.email not in html and "Bürgerdienste" not in html
    assert response["X-Robots-Tag"].startswith("noindex")


def test_verify_unknown_code_is_generic_404(client, issued):
    """An unknown code is a 404 that names nobody; a code differing only in case is unknown."""
    for code in ("A" * 32, issued.code.swapcase(), issued.code[:-1]):
        response = _verify(client, code)
        assert response.status_code == 404
        assert "Şeyma" not in response.content.decode()


def test_verify_revoked_shows_at_once(client, issued, hr_a):
    """After revocation the same page says revoked."""
    services.certificate_revoke(certificate=issued, by=hr_a, reason="Täuschung festgestellt")
    response = _verify(client, issued.code)
    assert 'data-state="revoked"' in response.content.decode()
    assert "Täuschung" not in response.content.decode()


def test_verify_expired(client, issued):
    """Past its valid-until date a certificate shows as expired."""
    Certificate.objects.filter(pk=issued.pk).update(
        issued_on="2020-01-01", valid_until="2022-01-01"
    )
    assert 'data-state="expired"' in _verify(client, issued.code).content.decode()


def test_verify_superseded(client, issued, hr_a):
    """A corrected certificate's old code says superseded."""
    services.certificate_reissue(certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz")
    assert 'data-state="superseded"' in _verify(client, issued.code).content.decode()


def test_verify_is_rate_limited(client, issued, settings):
    """Past the per-minute limit the page answers 429."""
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    codes = [_verify(client, issued.code).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def _upload(client, data: bytes, name="zertifikat.pdf"):
    return client.post(
        reverse("certificate_verify_start"),
        {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_upload_identical_pdf_is_recognised(client, issued):
    """Dropping the issued PDF says it is byte-identical to that certificate."""
    data = default_storage.open(issued.pdf.name).read()
    response = _upload(client, data)
    html = response.content.decode()
    assert 'data-result="identical"' in html and issued.serial in html


def test_upload_changed_pdf_is_not_an_original(client, issued):
    """One changed byte makes the file no original."""
    data = bytearray(default_storage.open(issued.pdf.name).read())
    data[-10] ^= 1
    assert 'data-result="unknown"' in _upload(client, bytes(data)).content.decode()


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"GIF89a not a pdf", "not a PDF"), (b"%PDF-" + b"0" * (10 * 1024 * 1024), "10 MB")],
    ids=["not-pdf", "too-large"],
)
def test_upload_rejects_non_pdf_and_large_files(client, db, data, expected, settings):
    """Files that are not PDFs (by their first bytes) or larger than 10 MB are refused."""
    settings.LANGUAGE_CODE = "en"
    response = client.post(
        reverse("certificate_verify_start"),
        {"pdf": SimpleUploadedFile("x.pdf", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert expected in response.content.decode()


def test_verify_code_form_redirects(client, issued):
    """Typing the printed code leads to the verification page."""
    response = client.get(reverse("certificate_verify_start"), {"code": issued.code})
    assert response.status_code == 302 and response.url.endswith(f"/verify/{issued.code}/")


def test_verify_qr_points_to_verification_page(issued):
    """The PDF's QR target is the public verification URL of the certificate."""
    from pypdf import PdfReader

    data = default_storage.open(issued.pdf.name).read()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert f"/verify/{issued.code}/" in text.replace("\n", "")
