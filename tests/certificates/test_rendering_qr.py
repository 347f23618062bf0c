"""The fast QR mask choice agrees with the `qrcode` package's own."""

import random
import string

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from certificates.rendering.qr import best_mask_pattern, qr_matrix


def _verification_urls(count: int) -> list[str]:
    rng = random.Random(2026)  # fixed seed: the same cases on every run
    alphabet = string.ascii_letters + string.digits + "-_"
    return [
        "https://campus.example.org/zertifikate/pruefen/"
        + "".join(rng.choices(alphabet, k=rng.randint(4, 300)))
        + "/"
        for _ in range(count)
    ]


@pytest.mark.parametrize("url", _verification_urls(40))
def test_qr_mask_choice_matches_qrcode(url):
    """Our QR codes pick the same mask as `qrcode`, so they scan as reliably as its codes."""
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    reference.add_data(url)
    reference.best_fit()
    ours = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    ours.add_data(url)
    ours.best_fit()
    assert best_mask_pattern(ours) == reference.best_mask_pattern()


@pytest.mark.parametrize("url", _verification_urls(40))
def test_qr_matrix_equals_qrcode_output(url):
    """The matrix drawn on the certificate is exactly the code `qrcode` would make, for short
    and long addresses (versions 3 to 13, with and without version information)."""
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    reference.add_data(url)
    reference.make(fit=True)
    assert qr_matrix(url) == reference.get_matrix()
