"""PAdES signature for rendered certificates, with the platform's key (pyHanko).

Level B-B by default; with a timestamp authority configured (``CERTIFICATE_TIMESTAMP_URL``) the
signature is PAdES B-LT: an RFC 3161 timestamp on the signature proves *when* it was made, and
the certificates, CRLs and OCSP answers needed to check it are stored in the document's DSS, so
the PDF still verifies after the signing certificate has expired or been revoked
(``CERTIFICATE_PADES_LTA`` adds a document timestamp over all of it: B-LTA).

The signature lets anyone holding the PDF check, offline and in any PAdES-aware viewer, that the
file is the one the platform issued and was not edited since. Whether a viewer *trusts* the
signer depends on the certificate: a production deployment configures a key and certificate from
a CA (``CERTIFICATE_SIGNING_KEY_FILE`` / ``CERTIFICATE_SIGNING_CERT_FILE``); without them a
self-signed pair is generated once, which proves integrity but is trusted by no viewer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .cms_template import SENTINEL_A, SENTINEL_B, CmsTemplate, TemplateMismatch, build_template

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "Signatur"
DOCUMENT_TIMESTAMP_FIELD = "Archivzeitstempel"
SELF_SIGNED_SUBDIR = "self-signed"
KEY_FILENAME = "key.pem"
CERT_FILENAME = "cert.pem"
# RSA-3072 with SHA-256: what the BSI (TR-02102-1) recommends for signatures beyond 2023, and
# what every PDF viewer verifies (ECDSA support is patchier in older readers).
RSA_KEY_BITS = 3072
# id-kp-documentSigning (RFC 9336): the extended key usage meant for signing documents.
DOCUMENT_SIGNING_EKU = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


@dataclass(frozen=True)
class LongTermSigning:
    """What turns a B-B signature into B-LT (or B-LTA): where timestamps come from, and the
    trust roots the validation data is collected for."""

    timestamper: HTTPTimeStamper
    trust_roots: tuple
    archival: bool = False

    def validation_context(self, signer: signers.Signer) -> ValidationContext:
        """A fresh context per signature: it fetches the current CRLs and OCSP answers (a cached
        one would embed stale ones) and fails hard when a revocation source does not answer,
        so a certificate is never stored as B-LT without its validation data."""
        return ValidationContext(
            trust_roots=list(self.trust_roots),
            other_certs=list(signer.cert_registry or ()),
            allow_fetching=True,
            revocation_mode="hard-fail",
        )


def sign_certificate_pdf(
    pdf: bytes, *, signer: signers.Signer, long_term: LongTermSigning | None = None
) -> bytes:
    """Add a PAdES certification signature that forbids any later change to the document.

    The signature is invisible (the certificate's look does not depend on it) and appended as an
    incremental update, so the rendered bytes stay untouched inside the signed file. With
    ``long_term`` it carries a signature timestamp and the validation data is added to the DSS
    (PAdES B-LT; B-LTA with a document timestamp when ``long_term.archival``). Timestamps and
    validation data are additions PAdES permits after a certification signature.

    What ``pyhanko.sign.validation.validate_pdf_signature`` reports for the result: ``intact``
    (the signed byte range hashes to the signed digest) and ``valid`` (the signature over that
    digest verifies with the embedded certificate) are true. ``trusted`` is true only when the
    validation context knows a trust root for the signer; a self-signed platform certificate is
    deliberately not trusted by anyone, so integrity is the guarantee in that case, not identity.

    Synchronous: pyHanko runs its own event loop; inside an already running loop the work moves
    to a helper thread (``_outside_event_loop``). A timestamp authority or revocation source that
    does not answer raises ``OSError`` (retried by the render task).
    """
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason="Ausstellung des Zertifikats",
    )
    timestamper = long_term.timestamper if long_term is not None else None
    reserved = _bytes_reserved(signer) + (LONG_TERM_RESERVE if long_term is not None else 0)

    def sign():
        signed = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)),
            metadata,
            signer=signer,
            timestamper=timestamper,
            bytes_reserved=reserved,
        ).getvalue()
        return _add_long_term_data(signed, signer, long_term) if long_term else signed

    return _outside_event_loop(sign)


def _add_long_term_data(signed: bytes, signer: signers.Signer, long_term: LongTermSigning) -> bytes:
    """B-T → B-LT (→ B-LTA), each an incremental update.

    The validation data is fetched *after* the signature timestamp exists: a validator accepts
    an OCSP answer or CRL as proof that the certificate was not revoked at signing time only if
    it was issued after that time (with pyHanko's ``embed_validation_info`` it is fetched before
    the timestamp, and an offline AdES validation then finds no usable revocation data).
    """
    reader = PdfFileReader(io.BytesIO(signed))
    try:
        output = add_validation_info(
            reader.embedded_signatures[0], long_term.validation_context(signer), output=io.BytesIO()
        )
        if not long_term.archival:
            return output.getvalue()
        output.seek(0)
        return (
            signers.PdfTimeStamper(long_term.timestamper, field_name=DOCUMENT_TIMESTAMP_FIELD)
            .timestamp_pdf(
                IncrementalPdfFileWriter(output),
                "sha256",
                validation_context=long_term.validation_context(signer),
                bytes_reserved=LONG_TERM_RESERVE,
            )
            .getvalue()
        )
    except (PathError, ValidationError) as exc:
        raise LongTermSigningError(str(exc)) from exc


class LongTermSigningError(OSError):
    """The validation data could not be collected: an OCSP responder or CRL server did not
    answer, or no path leads from the signer (or the TSA) to a configured root. An ``OSError``,
    so the render task retries it like any other outage; the log names the cause."""


# Room for the timestamp token inside the CMS container: the TSA's signature and certificates.
LONG_TERM_RESERVE = 12_288


def load_long_term_signing() -> LongTermSigning | None:
    """B-LT settings from ``CERTIFICATE_TIMESTAMP_URL`` (and its credentials, timeout, trust
    roots); ``None`` without a timestamp authority, which is logged once per process because
    such signatures say nothing once the signing certificate expires."""
    from django.conf import settings

    url = getattr(settings, "CERTIFICATE_TIMESTAMP_URL", "") or ""
    if not url:
        _warn_basic_level_once()
        return None
    username = getattr(settings, "CERTIFICATE_TIMESTAMP_USERNAME", "") or ""
    password = getattr(settings, "CERTIFICATE_TIMESTAMP_PASSWORD", "") or ""
    return LongTermSigning(
        timestamper=HTTPTimeStamper(
            url,
            timeout=getattr(settings, "CERTIFICATE_TIMESTAMP_TIMEOUT", 10),
            auth=(username, password) if username else None,
        ),
        trust_roots=_trust_roots(
            str(getattr(settings, "CERTIFICATE_TRUST_ROOTS_FILE", "") or ""),
            load_platform_signer(),
        ),
        archival=bool(getattr(settings, "CERTIFICATE_PADES_LTA", False)),
    )


@functools.lru_cache(maxsize=1)
def _warn_basic_level_once() -> None:
    logger.warning(
        "No timestamp authority configured (CERTIFICATE_TIMESTAMP_URL): certificate PDFs are "
        "signed at PAdES level B-B, which proves integrity only while the signing certificate "
        "is valid. Configure a TSA for PAdES B-LT."
    )


@functools.lru_cache(maxsize=4)
def _trust_roots(roots_file: str, signer: signers.Signer) -> tuple:
    """The configured roots (PEM, several allowed), else the top of the signer's own chain:
    validation data is collected up to a root, and that root must be named."""
    if roots_file:
        return tuple(load_certs_from_pemder([roots_file]))
    chain = [signer.signing_cert, *(signer.cert_registry or ())]
    return tuple(cert for cert in chain if cert.self_signed != "no") or (chain[-1],)


def _outside_event_loop(function):
    """pyHanko's synchronous API starts its own event loop; where this thread already runs
    one (an async worker, a browser-test driver), do the work in a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def _bytes_reserved(signer: signers.Signer) -> int:
    """Room for the CMS blob, sized from the certificates it embeds.

    Without an explicit size pyHanko signs a dummy document first to measure, which doubles the
    cost of every signature.
    """
    certs = [signer.signing_cert, *(signer.cert_registry or ())]
    size = 4096 + sum(len(cert.dump()) for cert in certs if cert is not None)
    return size + size % 2  # hex-encoded in the PDF: pyHanko wants an even count


class PlatformSigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, with the private key parsed once instead of per signature.

    ``SimpleSigner.sign_raw`` re-loads the key from DER for every signature, and for RSA that
    includes OpenSSL's key consistency check: about 150 ms, fifty times the signature itself.
    RSA PKCS#1 v1.5 and ECDSA (what platform keys use) sign with the cached key; any other
    mechanism falls back to pyHanko's own code.
    """

    @functools.cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        key = self._private_key
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), digest)
        if algorithm == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run=False,
        use_pades=False,
        timestamper=None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig=True,
        encap_content_info=None,
    ):
        """The CMS container from a cached template (``cms_template``) where one applies: a
        PDF signature with an RSA key, no timestamp and no extra signed attributes. Anything else
        takes pyHanko's own path."""
        settings = signed_attr_settings or PdfCMSSignedAttributes()
        simple = (
            is_pdf_sig
            and timestamper is None
            and encap_content_info is None
            and settings.cades_signed_attrs is None
            and settings.adobe_revinfo_attr is None
            and isinstance(self._private_key, rsa.RSAPrivateKey)
        )
        template = await self._cms_template(digest_algorithm, use_pades) if simple else None
        if template is None or len(data_digest) != template.digest_length:
            return await super().async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )
        if dry_run:  # pyHanko only measures the container: the template has its exact size
            return template.fill(data_digest, bytes(template.signature_length))
        signature = self.sign_raw(template.signed_attributes(data_digest), digest_algorithm)
        return template.fill(data_digest, signature)

    async def _cms_template(self, digest_algorithm: str, use_pades: bool) -> CmsTemplate | None:
        """Built on first use per (digest, PAdES) and checked against a second container made
        with another digest and another signing time; ``None`` when the check fails."""
        cache = self.__dict__.setdefault("_cms_templates", {})
        key = (digest_algorithm, use_pades)
        if key not in cache:
            made = []
            for sentinel, when in (
                (SENTINEL_A, dt.datetime(2001, 1, 1, tzinfo=dt.UTC)),
                (SENTINEL_B, dt.datetime(2002, 2, 2, tzinfo=dt.UTC)),
            ):
                made.append(
                    await super().async_sign(
                        sentinel,
                        digest_algorithm,
                        use_pades=use_pades,
                        signed_attr_settings=PdfCMSSignedAttributes(signing_time=when),
                    )
                )
            try:
                cache[key] = build_template(*made)
            except TemplateMismatch:
                logger.warning("CMS template refused; signing each certificate with pyHanko")
                cache[key] = None
        return cache[key]


def load_platform_signer() -> PlatformSigner:
    """The platform's signer, from settings; loaded once per process (and per configuration).

    ``CERTIFICATE_SIGNING_KEY_FILE`` and ``CERTIFICATE_SIGNING_CERT_FILE`` (PEM) name the real
    key and certificate; ``CERTIFICATE_SIGNING_CHAIN_FILE`` optionally adds the CA chain to embed,
    ``CERTIFICATE_SIGNING_KEY_PASSPHRASE`` decrypts the key. When the key or certificate is unset
    (embedded default, tests), a self-signed pair is created once in ``CERTIFICATE_SIGNING_DIR``.
    """
    from django.conf import settings

    key_file = getattr(settings, "CERTIFICATE_SIGNING_KEY_FILE", "") or ""
    cert_file = getattr(settings, "CERTIFICATE_SIGNING_CERT_FILE", "") or ""
    signing_dir = getattr(settings, "CERTIFICATE_SIGNING_DIR", None) or (
        Path(settings.MEDIA_ROOT).parent / "var" / "signing"
    )
    return _load_signer(
        str(key_file),
        str(cert_file),
        str(getattr(settings, "CERTIFICATE_SIGNING_CHAIN_FILE", "") or ""),
        getattr(settings, "CERTIFICATE_SIGNING_KEY_PASSPHRASE", "") or "",
        str(signing_dir),
    )


@functools.lru_cache(maxsize=4)
def _load_signer(
    key_file: str, cert_file: str, chain_file: str, passphrase: str, signing_dir: str
) -> PlatformSigner:
    from django.core.exceptions import ImproperlyConfigured

    if bool(key_file) != bool(cert_file):
        raise ImproperlyConfigured(
            "Set both CERTIFICATE_SIGNING_KEY_FILE and CERTIFICATE_SIGNING_CERT_FILE, or neither."
        )
    if not key_file:
        key_path, cert_path = ensure_self_signed_pair(Path(signing_dir))
        key_file, cert_file, passphrase = str(key_path), str(cert_path), ""
    loaded = signers.SimpleSigner.load(
        key_file,
        cert_file,
        ca_chain_files=(chain_file,) if chain_file else None,
        key_passphrase=passphrase.encode() if passphrase else None,
    )
    if loaded is None:  # pyHanko logs the cause and returns None instead of raising
        raise ImproperlyConfigured(
            f"Cannot load the certificate signing key {key_file!r} / certificate {cert_file!r}."
        )
    return PlatformSigner(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )


def ensure_self_signed_pair(signing_dir: Path) -> tuple[Path, Path]:
    """Return (key, certificate) paths under ``signing_dir``, generating them the first time.

    Safe when several processes start at once: the pair is written to a temporary directory
    and renamed into place in one step, so every process ends up using the same pair.
    """
    target = signing_dir / SELF_SIGNED_SUBDIR
    key_path, cert_path = target / KEY_FILENAME, target / CERT_FILENAME
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path

    signing_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = Path(tempfile.mkdtemp(prefix=".self-signed-", dir=signing_dir))
    try:
        key_pem, cert_pem = _generate_self_signed()
        key_fd = os.open(staging / KEY_FILENAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(key_fd, "wb") as handle:
            handle.write(key_pem)
        (staging / CERT_FILENAME).write_bytes(cert_pem)
        try:
            staging.rename(target)
        except OSError:
            # Another process won the race (the target exists and is not empty): use its pair.
            if not (key_path.exists() and cert_path.exists()):
                raise
        else:
            logger.warning(
                "Generated a self-signed certificate signing key in %s. Signatures made with it "
                "prove integrity only; configure CERTIFICATE_SIGNING_KEY_FILE and "
                "CERTIFICATE_SIGNING_CERT_FILE in production.",
                target,
            )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return key_path, cert_path


def _generate_self_signed() -> tuple[bytes, bytes]:
    """An RSA key and a ten-year self-signed certificate fit for document signing (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Kommunal-Campus Zertifikatssignatur"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kommunal-Campus (selbstsigniert)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # a.k.a. non-repudiation, what signature checks ask for
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        # documentSigning (RFC 9336) says what the key is for; emailProtection is what NSS
        # (poppler's pdfsig, Firefox, Thunderbird) requires of a signer's certificate: with
        # documentSigning alone it reports "Unknown issue with Certificate".
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING_EKU, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)
