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


def _mistyped(code: str) -> str:
    """The code with its first symbol replaced by another valid symbol."""
    first = "1" if code[0] != "1" else "2"
    return first + code[1:]


def test_verify_unknown_code_is_generic_404(client, issued):
    """An unknown, truncated or mistyped code is a 404 that names nobody (the check symbol
    catches a wrong symbol instead of pointing at another certificate)."""
    for code in ("A" * 32, issued.code[:-1], _mistyped(issued.code)):
        response = _verify(client, code)
        assert response.status_code == 404
        assert "Şeyma" not in response.content.decode()


def test_new_codes_are_typable_and_forgiving(client, issued):
    """A new code is 27 Crockford symbols (130 random bits and a check symbol) in groups of
    four; typed in lower case, without hyphens, with spaces or with O for 0 it still finds
    the certificate, from the link and from the form."""
    import re

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{1,4}){6}", issued.code)
    plain = issued.code.replace("-", "")
    typed = [issued.code.lower(), plain, " ".join(plain[i : i + 4] for i in range(0, 27, 4))]
    typed.append(issued.code.replace("0", "O"))
    for code in typed:
        assert 'data-state="valid"' in _verify(client, code.replace(" ", "")).content.decode()
        response = client.get(reverse("certificate_verify_start"), {"code": code}, follow=True)
        assert 'data-state="valid"' in response.content.decode(), code


def test_older_codes_keep_working_exactly(client, issued):
    """A code issued before (URL-safe base64) is still found, exactly and case-sensitively."""
    Certificate.objects.filter(pk=issued.pk).update(code="Ab3_dEf-GhIjKlMnOpQrStUvWxYz0123")
    assert _verify(client, "Ab3_dEf-GhIjKlMnOpQrStUvWxYz0123").status_code == 200
    assert _verify(client, "AB3_DEF-GHIJKLMNOPQRSTUVWXYZ0123").status_code == 404


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


def test_verify_superseded_links_replacement(client, issued, hr_a):
    """A corrected certificate's old code says superseded and links the new certificate's
    page, which says valid with the corrected name; the correction's reason stays private."""
    new = services.certificate_reissue(
        certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz", reason="Heirat"
    )
    services.certificate_render(certificate_id=new.pk)
    html = _verify(client, issued.code).content.decode()
    assert 'data-state="superseded"' in html
    assert f'href="/verify/{new.code}/"' in html and new.serial in html
    assert "Heirat" not in html
    new_page = _verify(client, new.code).content.decode()
    assert 'data-state="valid"' in new_page and "Şeyma Yılmaz" in new_page


def test_verify_superseded_does_not_link_revoked_replacement(client, issued, hr_a):
    """When the replacement was revoked, the old page says superseded but links nothing."""
    new = services.certificate_reissue(
        certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz", reason="Heirat"
    )
    services.certificate_revoke(certificate=new, by=hr_a, reason="Prüfung ungültig")
    html = _verify(client, issued.code).content.decode()
    assert 'data-state="superseded"' in html
    assert new.code not in html and "data-replacement" not in html


def test_verify_superseded_twice_links_latest(client, issued, hr_a):
    """After two corrections the first certificate's page links the current one."""
    second = services.certificate_reissue(
        certificate=issued, by=hr_a, learner_name="Şeyma Yılmaz", reason="Heirat"
    )
    third = services.certificate_reissue(
        certificate=second, by=hr_a, learner_name="Şeyma Yılmaz-Çelik", reason="Doppelname"
    )
    html = _verify(client, issued.code).content.decode()
    assert f'href="/verify/{third.code}/"' in html and second.code not in html


@pytest.fixture
def pending(learner_a, course):
    """``learner_a`` completed ``course``; the render task has not run yet (no PDF)."""
    from tests.certificates.conftest import complete_course

    enrolment = complete_course(learner_a, course)  # on-commit callbacks are not run
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.PENDING and not certificate.pdf
    return certificate


def test_verify_pending_says_being_issued_not_valid(client, pending):
    """A certificate whose PDF is not rendered yet is 'being issued', never 'valid'."""
    response = _verify(client, pending.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="pending"' in html and 'data-state="valid"' not in html
    assert "Wird ausgestellt" in html and "noch nicht verfügbar" in html
    assert "<strong>Gültig</strong>" not in html


def test_upload_never_matches_pending_certificate(client, pending):
    """A PDF of a certificate still pending (hash stored, status not yet flipped) is not
    reported as byte-identical."""
    import hashlib

    data = services.certificate_pdf_bytes(pending)
    Certificate.objects.filter(pk=pending.pk).update(sha256=hashlib.sha256(data).hexdigest())
    html = _upload(client, data).content.decode()
    assert 'data-result="unknown"' in html and 'data-result="identical"' not in html


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


def test_codes_stay_letters_and_digits():
    """Check symbols never need Crockford's extra symbols (* ~ $ = U): every code is safe in
    a URL and on the PDF, and a swap of two neighbouring symbols is caught."""
    from certificates.codes import canonical_verification_code, new_verification_code

    for _ in range(300):
        code = new_verification_code()
        assert code.replace("-", "").isalnum() and canonical_verification_code(code) == code
        plain = code.replace("-", "")
        i = next(i for i in range(25) if plain[i] != plain[i + 1])
        swapped = plain[:i] + plain[i + 1] + plain[i] + plain[i + 2 :]
        assert canonical_verification_code(swapped) is None
