"""PAdES B-LT/B-LTA against a real test PKI (Certomancer on 127.0.0.1: CA, timestamp authority,
OCSP responder, CRLs), checked by outside validators: poppler's ``pdfsig`` (NSS), the
``pyhanko sign validate`` command line, and pyHanko's validator offline with only the data the
document carries.

Found: certificates were signed at level B-B only (no timestamp, no validation data), so they
said nothing once the signing certificate expired or was revoked.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import ocsp
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from certificates.rendering import (
    load_long_term_signing,
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
    signing,
)
from tests.peers.pki import certomancer_available, start_test_pki

from .conftest import make_snapshot

pytestmark = pytest.mark.skipif(not certomancer_available(), reason="certomancer (dev extra)")

PYHANKO = Path(sys.executable).with_name("pyhanko")


@pytest.fixture(scope="module")
def pki():
    with start_test_pki() as running:
        yield running


@pytest.fixture
def long_term_settings(settings, pki):
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(pki.key("signer"))
    settings.CERTIFICATE_SIGNING_CERT_FILE = str(pki.pem("signer"))
    settings.CERTIFICATE_TIMESTAMP_URL = pki.tsa_url
    settings.CERTIFICATE_TRUST_ROOTS_FILE = str(pki.pem("root"))
    settings.CERTIFICATE_PADES_LTA = False
    return settings


def _sign() -> bytes:
    return sign_certificate_pdf(
        render_certificate_pdf(make_snapshot()),
        signer=load_platform_signer(),
        long_term=load_long_term_signing(),
    )


def _pyhanko_validate(path: Path, root: Path) -> str:
    result = subprocess.run(  # noqa: S603 (the validator's own CLI, fixed arguments)
        [str(PYHANKO), "sign", "validate", "--pretty-print", "--force-revinfo"]
        + ["--trust", str(root), "--trust-replace", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def _pdfsig(path: Path, nss_dir: Path | None = None) -> str:
    command = [shutil.which("pdfsig")]
    if nss_dir is not None:
        # Certomancer's OCSP responder answers POST only; pdfsig's NSS asks by GET first and
        # reports a 404 as "Unknown issue". Revocation is checked by pyHanko against the same
        # responder (and offline, from the DSS); NSS checks the chain up to the trusted root.
        command += ["-nssdir", f"sql:{nss_dir}", "-no-ocsp"]
    return subprocess.run(  # noqa: S603
        [*command, str(path)], capture_output=True, text=True, check=False
    ).stdout


def _nss_db_trusting(root: Path, directory: Path) -> Path:
    """An NSS database that trusts the test root, as a viewer's trust store would."""
    directory.mkdir()
    certutil = shutil.which("certutil")
    subprocess.run([certutil, "-N", "-d", f"sql:{directory}", "--empty-password"], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [certutil, "-A", "-d", f"sql:{directory}", "-n", "Test-Wurzel-CA", "-t", "C,C,C"]
        + ["-i", str(root)],
        check=True,
    )
    return directory


def _validate_offline(pdf: bytes, root: Path):
    """pyHanko's validator with no network and revocation data required: only what the
    document's DSS holds can make the signer's certificate trusted."""
    reader = PdfFileReader(io.BytesIO(pdf))
    offline = {
        "trust_roots": [load_cert_from_pemder(str(root))],
        "allow_fetching": False,
        "revocation_mode": "require",
    }
    try:
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(offline)
    except NoDSSFoundError:
        context = ValidationContext(**offline, crls=[], ocsps=[])
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_b_lt_signature_is_timestamped_and_valid_for_pyhanko_and_pdfsig(
    long_term_settings, pki, tmp_path
):
    path = tmp_path / "zertifikat.pdf"
    path.write_bytes(_sign())

    report = _pyhanko_validate(path, pki.pem("root"))
    assert "The signature is judged VALID." in report
    assert "Signature timestamp token:" in report
    assert "The TSA certificate is trusted." in report
    assert "The signer's certificate is trusted." in report

    if shutil.which("pdfsig"):
        assert "Signature Validation: Signature is Valid." in _pdfsig(path)
        if shutil.which("certutil"):
            trusted = _pdfsig(path, _nss_db_trusting(pki.pem("root"), tmp_path / "nss"))
            assert "Certificate Validation: Certificate is Trusted." in trusted


def test_b_lt_carries_validation_data_that_suffices_offline(long_term_settings, pki):
    pdf = _sign()
    reader = PdfFileReader(io.BytesIO(pdf))
    dss = DocumentSecurityStore.read_dss(reader)
    assert dss.ocsps, "the OCSP answers belong in the document's DSS"

    status = _validate_offline(pdf, pki.pem("root"))
    assert status.bottom_line and status.trusted and not status.revoked
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    # The revocation data was fetched after the timestamp, so it speaks for the signing time.
    timestamp = status.timestamp_validity.timestamp
    produced = [
        ocsp.OCSPResponse.load(reference.get_object().data)
        .basic_ocsp_response["tbs_response_data"]["produced_at"]
        .native
        for reference in dss.ocsps
    ]
    assert all(moment >= timestamp for moment in produced)


def test_without_the_validation_data_offline_validation_fails(long_term_settings, pki):
    """The offline check above can fail: the same signature at B-T (timestamp, no DSS) is not
    trusted without a network."""
    signer = load_platform_signer()
    long_term = load_long_term_signing()
    b_t = signing.signers.sign_pdf(
        signing.IncrementalPdfFileWriter(io.BytesIO(render_certificate_pdf(make_snapshot()))),
        signing.signers.PdfSignatureMetadata(field_name="Signatur", md_algorithm="sha256"),
        signer=signer,
        timestamper=long_term.timestamper,
        bytes_reserved=signing._bytes_reserved(signer) + signing.LONG_TERM_RESERVE,
    ).getvalue()
    assert not _validate_offline(b_t, pki.pem("root")).trusted


def test_b_lta_adds_a_document_timestamp(long_term_settings, pki, tmp_path):
    long_term_settings.CERTIFICATE_PADES_LTA = True
    path = tmp_path / "zertifikat.pdf"
    path.write_bytes(_sign())
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    names = [signature.field_name for signature in reader.embedded_signatures]
    assert names == ["Signatur", signing.DOCUMENT_TIMESTAMP_FIELD]
    assert "The signature is judged VALID." in _pyhanko_validate(path, pki.pem("root"))
    if shutil.which("pdfsig"):
        report = _pdfsig(path)
        assert "Signature Field Name: Archivzeitstempel" in report
        assert "Signature Validation: Signature is Valid." in report


def test_an_unreachable_timestamp_authority_is_an_error_to_retry(long_term_settings):
    long_term_settings.CERTIFICATE_TIMESTAMP_URL = "http://127.0.0.1:9/tsa"
    with pytest.raises(OSError):  # the render task retries OSError with backoff
        _sign()


def test_an_unreachable_revocation_source_is_an_error_to_retry(settings, tmp_path):
    """The TSA answers, the signer's OCSP responder does not: no PDF at a lower level than
    configured, but an ``OSError`` the render task retries (pyHanko raises its own
    ``InsufficientRevinfoError``, which the task would not retry)."""
    with start_test_pki() as signers_pki, start_test_pki() as tsa_pki:
        roots = tmp_path / "roots.pem"
        roots.write_bytes(signers_pki.pem("root").read_bytes() + tsa_pki.pem("root").read_bytes())
        settings.CERTIFICATE_SIGNING_KEY_FILE = str(signers_pki.key("signer"))
        settings.CERTIFICATE_SIGNING_CERT_FILE = str(signers_pki.pem("signer"))
        settings.CERTIFICATE_TIMESTAMP_URL = tsa_pki.tsa_url
        settings.CERTIFICATE_TRUST_ROOTS_FILE = str(roots)
        settings.CERTIFICATE_PADES_LTA = False
        signers_pki.stop()
        with pytest.raises(signing.LongTermSigningError):
            _sign()


def test_without_a_timestamp_authority_it_stays_b_b_and_says_so(settings, signing_dir, caplog):
    settings.CERTIFICATE_SIGNING_KEY_FILE = ""
    settings.CERTIFICATE_SIGNING_CERT_FILE = ""
    settings.CERTIFICATE_SIGNING_DIR = signing_dir
    settings.CERTIFICATE_TIMESTAMP_URL = ""
    signing._warn_basic_level_once.cache_clear()
    with caplog.at_level(logging.WARNING, logger="certificates.rendering.signing"):
        assert load_long_term_signing() is None
    assert "PAdES level B-B" in caplog.text
    pdf = sign_certificate_pdf(
        render_certificate_pdf(make_snapshot()), signer=load_platform_signer()
    )
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0],
        ValidationContext(trust_roots=[load_platform_signer().signing_cert]),
    )
    assert status.intact and status.valid
    assert status.timestamp_validity is None


def test_a_timestamp_authority_without_trust_roots_is_reported_at_start_up(settings):
    from django.core import checks

    settings.CERTIFICATE_TIMESTAMP_URL = "https://tsa.example.org/"
    settings.CERTIFICATE_TRUST_ROOTS_FILE = ""
    assert "certificates.W001" in [message.id for message in checks.run_checks()]
    settings.CERTIFICATE_TRUST_ROOTS_FILE = "/etc/kommunal-campus/roots.pem"
    assert "certificates.W001" not in [message.id for message in checks.run_checks()]
