"""The certificate is a tagged PDF/A-2b: a screen reader reads it in order, archives keep it.

veraPDF (Java) does not install here; the checks are poppler's (``pdfinfo``: tagged, the
structure tree with its text in reading order; ``pdffonts``: every font embedded) and the
document's own objects read back with pypdf (language, MarkInfo, alternative texts, XMP with
the PDF/A identification agreeing with the document information, the sRGB output intent).
Before this change the PDF was not tagged ("Tagged: no") and had no XMP or output intent.
"""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from certificates.rendering import (
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
)

from .conftest import VERIFY_URL, make_snapshot

needs_poppler = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils needed")


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_certificate_pdf(make_snapshot())


def _run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def _struct(pdf_bytes: bytes, tmp_path) -> list[tuple[str, str]]:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf_bytes)
    out = _run("pdfinfo", "-struct-text", str(path))
    pairs, role = [], None
    for line in out.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            role = line.split()[0]
        elif line.startswith("    ") and role:
            pairs.append((role, line.strip().strip('"')))
    return pairs


@needs_poppler
def test_structure_reads_in_order_with_headings(pdf, tmp_path):
    pairs = _struct(pdf, tmp_path)
    roles = [role for role, _text in pairs]
    texts = [text for _role, text in pairs]
    assert ("H1", "Zertifikat") in pairs
    assert ("H2", "Digitale Verwaltung: Onlinezugangsgesetz in der Praxis") in pairs
    order = [
        texts.index("Zertifikat"),
        texts.index("Łukasz Żółć"),
        texts.index("Digitale Verwaltung: Onlinezugangsgesetz in der Praxis"),
        texts.index("Gültig bis: 31. März 2029"),
        next(i for i, t in enumerate(texts) if t.startswith("Prüfcode: Q7XK")),
        texts.index(f"Echtheit prüfen: {VERIFY_URL}"),
    ]
    assert order == sorted(order)  # the reading order a person expects
    assert roles.count("Figure") == 2  # logo and QR code
    info = _run("pdfinfo", str(tmp_path / "c.pdf"))
    assert re.search(r"^Tagged:\s+yes", info, re.M)


def test_catalog_language_markinfo_and_alternative_texts(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de-DE"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.pages[0]["/StructParents"] == 0
    document = root["/StructTreeRoot"]["/K"].get_object()
    figures = [e.get_object() for e in document["/K"] if e.get_object()["/S"] == "/Figure"]
    alts = [f["/Alt"] for f in figures]
    assert any(alt.startswith("Logo: ") for alt in alts)
    assert any(VERIFY_URL in alt and alt.startswith("QR-Code") for alt in alts)


def test_pdfa_identification_agrees_with_the_document_information(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    info = reader.metadata
    for value in (info.title, info.author, info.subject, info.producer, info.creator):
        assert f">{value}<" in xmp, value
    issued = make_snapshot().issued_on
    assert f"<xmp:CreateDate>{issued:%Y-%m-%d}T00:00:00Z</xmp:CreateDate>" in xmp
    assert reader.metadata["/CreationDate"].startswith(f"D:{issued:%Y%m%d}000000")
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    assert profile.get_data()[36:40] == b"acsp"  # an ICC profile


@needs_poppler
def test_every_font_is_embedded(pdf, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    rows = _run("pdffonts", str(path)).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows


@needs_poppler
def test_the_signed_certificate_stays_tagged(pdf, tmp_path, signing_dir, settings):
    settings.CERTIFICATE_SIGNING_KEY_FILE = ""
    settings.CERTIFICATE_SIGNING_CERT_FILE = ""
    settings.CERTIFICATE_SIGNING_DIR = signing_dir
    signed = sign_certificate_pdf(pdf, signer=load_platform_signer())
    pairs = _struct(signed, tmp_path)
    assert ("H1", "Zertifikat") in pairs
    root = PdfReader(io.BytesIO(signed)).trailer["/Root"]
    assert "/StructTreeRoot" in root and "/OutputIntents" in root
