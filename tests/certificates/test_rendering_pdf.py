"""The certificate PDF read back: text, page, metadata, fonts, QR code and signature."""

import io
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from certificates.rendering import (
    format_date_de,
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
)
from certificates.rendering.signing import ensure_self_signed_pair

from .conftest import VERIFY_URL, make_snapshot

EU_NAMES = [
    "Łukasz Żółć",
    "Şeyma Çelik",
    "Ærøskøbing Ågård",
    "Αλέξανδρος Παπαδόπουλος",
    "Růžena Dvořáková",
    "Anneliese Schäfer-Müßig",
]


def pdf_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def pdf_lines(pdf: bytes) -> list[str]:
    """The page's text lines, without the spaces extraction adds at a line's edges."""
    return [line.strip() for line in pdf_text(pdf).splitlines()]


@pytest.fixture(scope="module")
def certificate_pdf() -> bytes:
    return render_certificate_pdf(make_snapshot())


@pytest.mark.parametrize("name", EU_NAMES)
def test_certificate_learner_name_with_diacritics_extracts_exactly(name):
    """Every EU-language name is printed and can be copied or searched exactly as written."""
    pdf = render_certificate_pdf(make_snapshot(learner_name=name, signatory_name=name))
    assert name in pdf_lines(pdf)


def test_certificate_decomposed_name_prints_composed():
    """A name typed with combining accents prints as the usual composed letters."""
    decomposed = unicodedata.normalize("NFD", "Růžena Dvořáková")
    assert decomposed != "Růžena Dvořáková"
    pdf = render_certificate_pdf(make_snapshot(learner_name=decomposed))
    assert "Růžena Dvořáková" in pdf_lines(pdf)


def test_certificate_text_shows_course_serial_code_and_german_dates(certificate_pdf):
    """The certificate states course, revision, hours, modules, dates, signatory and serial."""
    text = pdf_text(certificate_pdf)
    lines = pdf_lines(certificate_pdf)
    assert "Zertifikat" in lines
    assert "Digitale Verwaltung: Onlinezugangsgesetz in der Praxis" in lines
    assert "Revision 42 vom 12.03.2026 · Umfang: 8,5 Stunden" in lines
    assert "Registermodernisierung" in text
    assert "12. März 2026" in lines
    assert "Gültig bis:" in lines
    assert "31. März 2029" in lines
    assert "KDSR-2026-000123" in lines
    assert "Q7XK-M2PA-9TVD" in lines
    assert f"Echtheit prüfen: {VERIFY_URL}" in lines
    assert "Kompetenzzentrum Digitale Städte und Regionen" in lines
    assert "Dr. Růžena Dvořáková" in lines
    assert "Leiterin des Kompetenzzentrums" in lines


def test_certificate_without_expiry_omits_valid_until():
    """A certificate that does not expire shows no "Gültig bis" line."""
    text = pdf_text(render_certificate_pdf(make_snapshot(valid_until=None)))
    assert "Gültig bis" not in text
    assert "12. März 2026" in text


def test_format_date_de_writes_german_month_names():
    """Dates read the German way whatever the server's locale: "1. Dezember 2026"."""
    assert format_date_de(date(2026, 3, 12)) == "12. März 2026"
    assert format_date_de(date(2026, 12, 1)) == "1. Dezember 2026"


def test_certificate_long_title_and_many_modules_fit_on_one_page():
    """A long course title wraps and surplus modules are summarised, still on one page."""
    modules = tuple(f"Modul {n}: Digitale Daseinsvorsorge in der Kommune" for n in range(1, 31))
    title = "Fortbildung " + "Kommunale Digitalisierung und Verwaltungsmodernisierung " * 3
    pdf = render_certificate_pdf(make_snapshot(course_title=title.strip(), modules=modules))
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "weitere Module" in text
    assert "Łukasz Żółć" in pdf_lines(pdf)
    assert "KDSR-2026-000123" in text


def test_certificate_page_is_a4_landscape(certificate_pdf):
    """The certificate prints on one A4 sheet in landscape (842 × 595 pt)."""
    reader = PdfReader(io.BytesIO(certificate_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=1)
    assert float(box.height) == pytest.approx(595, abs=1)


def test_certificate_metadata_names_course_issuer_and_language(certificate_pdf):
    """Document properties show the course as subject, the issuer as author, language German."""
    reader = PdfReader(io.BytesIO(certificate_pdf))
    meta = reader.metadata
    assert meta.title == (
        "Zertifikat: Digitale Verwaltung: Onlinezugangsgesetz in der Praxis – Łukasz Żółć"
    )
    assert meta.author == "Kompetenzzentrum Digitale Städte und Regionen"
    assert meta.subject == "Digitale Verwaltung: Onlinezugangsgesetz in der Praxis"
    assert meta.creator == "Kommunal-Campus"
    assert meta.creation_date.date() == date(2026, 3, 12)
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"


def test_certificate_fonts_are_embedded(certificate_pdf):
    """Every font is embedded, so the certificate looks the same on any machine."""
    page = PdfReader(io.BytesIO(certificate_pdf)).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]


def test_certificate_rendering_is_reproducible():
    """Rendering the same snapshot again gives the same file, so a re-download is identical."""
    first = render_certificate_pdf(make_snapshot())
    second = render_certificate_pdf(make_snapshot())
    assert first == second
    assert pdf_text(first) == pdf_text(second)


def test_certificate_qr_code_opens_verify_url(tmp_path, certificate_pdf):
    """Scanning the printed QR code opens the certificate's verification page."""
    pdftoppm, zbarimg = shutil.which("pdftoppm"), shutil.which("zbarimg")
    if not (pdftoppm and zbarimg):
        pytest.skip("needs pdftoppm and zbarimg: apt-get install -y poppler-utils zbar-tools")
    (tmp_path / "certificate.pdf").write_bytes(certificate_pdf)
    # Fixed argument lists with paths under tmp_path: nothing untrusted reaches the commands.
    subprocess.run(  # noqa: S603
        [pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"]
        + [str(tmp_path / "certificate.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    scan = subprocess.run(  # noqa: S603
        [zbarimg, "--raw", "-q", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert scan.stdout.strip() == VERIFY_URL


def _signature_status(pdf: bytes, trust_roots=()):
    """Validate offline; trusting nothing unless told (never the operating system's list)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    return validate_pdf_signature(signature, signer_validation_context=context)


def test_signed_certificate_validates_intact(certificate_pdf, platform_signer):
    """A signed certificate passes the PDF viewer's integrity check."""
    signed = sign_certificate_pdf(certificate_pdf, signer=platform_signer)
    assert signed.startswith(certificate_pdf)  # appended as an incremental update
    status = _signature_status(signed)
    assert status.intact
    assert status.valid
    assert not status.trusted  # self-signed: integrity is proven, identity is not
    assert status.coverage.name == "ENTIRE_FILE"
    assert pdf_text(signed) == pdf_text(certificate_pdf)


def test_signed_certificate_is_trusted_when_platform_certificate_is(
    certificate_pdf, platform_signer
):
    """Whoever trusts the platform's certificate sees the signature as fully valid."""
    signed = sign_certificate_pdf(certificate_pdf, signer=platform_signer)
    status = _signature_status(signed, trust_roots=[platform_signer.signing_cert])
    assert status.bottom_line


def test_signed_certificate_with_one_changed_byte_fails_validation(
    certificate_pdf, platform_signer
):
    """Changing a single character of a signed certificate breaks its signature."""
    signed = bytearray(sign_certificate_pdf(certificate_pdf, signer=platform_signer))
    position = signed.index(b"KDSR-2026-000123")  # in the document information, signed range
    signed[position + 15] = ord("9")
    status = _signature_status(bytes(signed))
    assert not status.intact
    assert not status.bottom_line


def test_certificates_signed_in_a_row_each_validate(platform_signer):
    """Signatures after the first come from the cached CMS container: each still validates for
    its own document and fails for another's."""
    first = sign_certificate_pdf(
        render_certificate_pdf(make_snapshot(learner_name="Łukasz Żółć")), signer=platform_signer
    )
    second = sign_certificate_pdf(
        render_certificate_pdf(make_snapshot(learner_name="Şeyma Çelik")), signer=platform_signer
    )
    assert platform_signer._cms_templates  # the template path was taken
    for signed in (first, second):
        status = _signature_status(signed)
        assert status.intact and status.valid
    reader_first = PdfFileReader(io.BytesIO(first))
    reader_second = PdfFileReader(io.BytesIO(second))
    contents_first = reader_first.embedded_signatures[0].sig_object["/Contents"]
    contents_second = reader_second.embedded_signatures[0].sig_object["/Contents"]
    assert contents_first != contents_second


def test_cms_template_refuses_containers_that_differ_elsewhere(platform_signer):
    """If pyHanko's containers differed in more than digest and signature (a signing time, a
    timestamp), the template is refused rather than producing wrong signatures."""
    import asyncio
    import datetime as dt

    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    from certificates.rendering.cms_template import (
        SENTINEL_A,
        SENTINEL_B,
        TemplateMismatch,
        build_template,
    )

    def container(sentinel, year):
        settings = PdfCMSSignedAttributes(signing_time=dt.datetime(year, 1, 1, tzinfo=dt.UTC))
        # use_pades=False puts the signing time into the signed attributes
        return asyncio.run(
            signers.SimpleSigner.async_sign(
                platform_signer, sentinel, "sha256", signed_attr_settings=settings
            )
        )

    with pytest.raises(TemplateMismatch):
        build_template(container(SENTINEL_A, 2001), container(SENTINEL_B, 2002))


def test_platform_signer_self_signed_pair_is_created_once(tmp_path):
    """Without configured keys the platform creates one key pair and keeps using it."""
    key, cert = ensure_self_signed_pair(tmp_path)
    assert key.stat().st_mode & 0o777 == 0o600
    again = ensure_self_signed_pair(tmp_path)
    assert again == (key, cert)
    assert cert.read_bytes() == again[1].read_bytes()


def test_platform_signer_uses_configured_key_and_certificate(signing_dir, platform_signer):
    """Configured PEM files are what the platform signs with."""
    key, cert = ensure_self_signed_pair(signing_dir)
    with override_settings(
        CERTIFICATE_SIGNING_KEY_FILE=str(key), CERTIFICATE_SIGNING_CERT_FILE=str(cert)
    ):
        signer = load_platform_signer()
        assert signer is load_platform_signer()  # loaded once per process
    assert signer.signing_cert.dump() == platform_signer.signing_cert.dump()


def test_platform_signer_with_only_a_key_refuses_to_start(signing_dir):
    """Configuring the key without its certificate is reported instead of signing wrongly."""
    key, _cert = ensure_self_signed_pair(signing_dir)
    with (
        override_settings(CERTIFICATE_SIGNING_KEY_FILE=str(key), CERTIFICATE_SIGNING_CERT_FILE=""),
        pytest.raises(ImproperlyConfigured),
    ):
        load_platform_signer()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("colour", "blue"),
        ("code", "has spaces/slash"),
        ("verify_url", "/relative/path/"),
        ("valid_until", date(2020, 1, 1)),
        ("learner_name", "   "),
    ],
)
def test_certificate_snapshot_rejects_invalid_values(field, value):
    """A snapshot that would print a broken certificate is refused when it is made."""
    with pytest.raises(ValueError):
        make_snapshot(**{field: value})


def _drawn_text_extents(snapshot) -> list[tuple[float, float, str]]:
    """(left, right, text) of every string the renderer draws, from the canvas calls and the
    fonts' metrics (what a reader would see as the text's horizontal extent)."""
    from unittest import mock

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen.canvas import Canvas

    drawn = []
    originals = {
        name: getattr(Canvas, name)
        for name in ("drawString", "drawCentredString", "drawRightString")
    }

    def recorder(name):
        def draw(self, x, y, text, *args, **kwargs):
            width = pdfmetrics.stringWidth(text, self._fontname, self._fontsize)
            left = {
                "drawString": x,
                "drawCentredString": x - width / 2,
                "drawRightString": x - width,
            }[name]
            drawn.append((left, left + width, text))
            return originals[name](self, x, y, text, *args, **kwargs)

        return draw

    with mock.patch.multiple(Canvas, **{name: recorder(name) for name in originals}):
        render_certificate_pdf(snapshot)
    return drawn


def test_every_text_stays_inside_the_frame_for_the_longest_values():
    """The reported case: the Prüfcode ran past the inner frame into the border. With every
    field at its longest (the model's maximum lengths, a 64-character code) each text line
    stays between the inner frame's edges."""
    from certificates.rendering.pdf import PAGE_WIDTH

    code = "Wm9_QkXz-8Tq" * 5 + "MWxY"  # 64 URL-safe characters: the longest a row may hold
    extreme = make_snapshot(
        serial="KDSR-2026-" + "9" * 22,
        code=code,
        learner_name="Maximiliane-Wilhelmine " * 8 + "Überlänge",
        course_title="Weiterbildung Kommunale Digitalisierung " * 6 + "Ende",
        issuer_name="Kompetenzzentrum Digitale Städte und Regionen " * 4 + "Ende",
        signatory_name="Prof. Dr. Wilhelmine Maximiliane " * 3 + "Ende",
        signatory_role="Leiterin des Kompetenzzentrums und Beauftragte " * 3 + "Ende",
        verify_url=f"https://campus.kommunal-digital.example/zertifikate/pruefen/{code}/",
    )
    inner_left, inner_right = 25.0, PAGE_WIDTH - 25.0
    outside = [
        (round(left), round(right), text[:40])
        for left, right, text in _drawn_text_extents(extreme)
        if left < inner_left + 4 or right > inner_right - 4
    ]
    assert outside == []


def _transparent_logo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 120, 120), fill=(200, 30, 30, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_compressed_once_appears_in_every_certificate_with_its_transparency(tmp_path):
    """The logo's pixels are compressed once per process and reused (``_compressed_logo``):
    every PDF still carries it once, with its soft mask, and it shows on the printed page."""
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        pytest.skip("needs pdftoppm: apt-get install -y poppler-utils")
    from PIL import Image

    logo = _transparent_logo()
    for attempt in range(2):  # the second PDF takes the cached, already compressed logo
        pdf = render_certificate_pdf(make_snapshot(logo=logo, serial=f"KDSR-2026-00012{attempt}"))
        reader = PdfReader(io.BytesIO(pdf))
        xobjects = reader.pages[0]["/Resources"]["/XObject"]
        logos = [
            x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"
        ]
        assert len(logos) == 1 and "/SMask" in logos[0]
        path = tmp_path / f"c{attempt}.pdf"
        path.write_bytes(pdf)
        subprocess.run(  # noqa: S603
            [pdftoppm, "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / f"p{attempt}")],
            check=True,
            timeout=60,
        )
        page = Image.open(tmp_path / f"p{attempt}.png").convert("RGB")
        red = sum(
            1
            for pixel in page.crop((0, 0, page.width // 3, page.height // 4)).get_flattened_data()
            if pixel[0] > 150 and pixel[1] < 80 and pixel[2] < 80
        )
        assert red > 200, f"logo missing in PDF {attempt + 1}"
