"""Certificate rendering and signing: a frozen snapshot in, signed PDF bytes out.

Pure functions that know nothing of models, requests or Celery (CONVENTIONS habit 7): the
certificate services copy what a certificate says into a ``CertificateSnapshot`` at issue time and
call ``render_certificate_pdf`` and ``sign_certificate_pdf(…, signer=load_platform_signer())``.
"""

from .pdf import format_date_de, format_hours_de, render_certificate_pdf
from .signing import (
    LongTermSigning,
    load_long_term_signing,
    load_platform_signer,
    sign_certificate_pdf,
)
from .snapshot import CertificateSnapshot

__all__ = [
    "CertificateSnapshot",
    "format_date_de",
    "format_hours_de",
    "LongTermSigning",
    "load_long_term_signing",
    "load_platform_signer",
    "render_certificate_pdf",
    "sign_certificate_pdf",
]
