"""poppler's ``pdfsig`` (NSS, as Firefox and Thunderbird check) accepts the signing certificate.

Found: with only the documentSigning key usage (RFC 9336) NSS refused the certificate type and
pdfsig reported "Unknown issue with Certificate or corrupted data"; a self-signed certificate
must read as what it is, valid signature by an issuer nobody trusts.
"""

import shutil
import subprocess

import pytest

from certificates.rendering import (
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
)

from .conftest import make_snapshot


@pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler-utils needed")
def test_pdfsig_validates_the_signature_and_evaluates_the_certificate(
    tmp_path, settings, signing_dir
):
    settings.CERTIFICATE_SIGNING_KEY_FILE = ""
    settings.CERTIFICATE_SIGNING_CERT_FILE = ""
    settings.CERTIFICATE_SIGNING_DIR = signing_dir
    path = tmp_path / "zertifikat.pdf"
    path.write_bytes(
        sign_certificate_pdf(render_certificate_pdf(make_snapshot()), signer=load_platform_signer())
    )
    report = subprocess.run(  # noqa: S603
        [shutil.which("pdfsig"), str(path)],
        capture_output=True,
        text=True,
        check=False,  # noqa: S607
    ).stdout
    assert "Signature Validation: Signature is Valid." in report
    assert "Unknown issue with Certificate" not in report
    assert "Certificate Validation: Certificate issuer is unknown." in report
