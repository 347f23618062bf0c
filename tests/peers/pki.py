"""A small public-key infrastructure for the long-term signature tests: Certomancer (PyPI
``certomancer``, the PKI testing tool pyHanko itself is tested with) run as a real HTTP service on
127.0.0.1 — an RFC 3161 timestamp authority, an OCSP responder and a CRL repository — for a root CA
that issued the platform's signing certificate and the TSA's.

The key usages are the ones NSS (poppler's ``pdfsig``) accepts of a document signer: digital
signature and non-repudiation, extended key usage emailProtection besides documentSigning.
The configuration is written per run, with validity around today, so the tests do not expire.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import free_port, stop_process_group, wait_until_answering

ARCH = "kommunal-test"
KEYS = ("root", "signer", "tsa", "ocsp")


def certomancer_available() -> bool:
    try:
        import certomancer  # noqa: F401
    except ImportError:
        return False
    return True


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _config(prefix: str, now: dt.datetime) -> str:
    """Certomancer's YAML: one root, a document signer, a TSA and an OCSP responder."""
    long_ago, far = _stamp(now - dt.timedelta(days=365)), _stamp(now + dt.timedelta(days=3650))
    soon = _stamp(now + dt.timedelta(days=730))
    keys = "\n".join(f"      {key}:\n        path: {key}.key.pem" for key in KEYS)
    revocation_pointers = """
          - id: crl_distribution_points
            smart-value:
              schema: crl-dist-url
              params: {crl-repo-names: [root]}
          - id: authority_information_access
            smart-value:
              schema: aia-urls
              params: {ocsp-responder-names: [root]}"""
    return f"""\
external-url-prefix: "{prefix}"
keysets:
  {ARCH}:
    path-prefix: .
    keys:
{keys}
pki-architectures:
  {ARCH}:
    keyset: {ARCH}
    entity-defaults:
      country-name: DE
      organization-name: Kommunal-Campus Test-PKI
    entities:
      root: {{common-name: Test-Wurzel-CA}}
      signer: {{common-name: Kommunal-Campus Zertifikatssignatur (Test)}}
      tsa: {{common-name: Test-Zeitstempeldienst}}
      ocsp: {{common-name: Test-OCSP-Responder}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{far}"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      signer:
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{soon}"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: extended_key_usage
            value: [email_protection, "1.3.6.1.5.5.7.3.36"]{revocation_pointers}
      tsa:
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{far}"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]{revocation_pointers}
      ocsp:
        issuer: root
        validity: {{valid-from: "{long_ago}", valid-to: "{far}"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [ocsp_signing]
          - id: ocsp_no_check
    services:
      ocsp:
        root: {{for-issuer: root, responder-cert: ocsp, signing-key: ocsp}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P30D"}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
"""


@dataclass
class TestPki:
    """A running Certomancer; the PEM files are what a deployment would configure."""

    __test__ = False  # not a pytest test class

    directory: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    def pem(self, label: str) -> Path:
        return self.directory / f"{label}.cert.pem"

    def key(self, label: str) -> Path:
        return self.directory / f"{label}.key.pem"

    def __enter__(self) -> TestPki:
        now = dt.datetime.now(dt.UTC)
        for label in KEYS:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.key(label).write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        config = self.directory / "certomancer.yml"
        config.write_text(_config(self.url, now))
        self._write_certificates(config)
        self.process = subprocess.Popen(  # noqa: S603 (the peer's own CLI, fixed arguments)
            [
                sys.executable,
                "-m",
                "certomancer",
                "--config",
                str(config),
                "animate",
                "--port",
                str(self.port),
                "--no-web-ui",
                "--no-time-override",
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        if wait_until_answering(f"{self.url}/{ARCH}/crls/root/latest.crl", self.process):
            return self
        error = self.process.stderr.read().decode() if self.process.poll() is not None else ""
        self.stop()
        raise RuntimeError(f"Certomancer did not start: {error}")

    def _write_certificates(self, config: Path) -> None:
        from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig

        architecture = CertomancerConfig.from_file(str(config)).get_pki_arch(ArchLabel(ARCH))
        for label in KEYS:
            certificate = architecture.get_cert(CertLabel(label))
            self.pem(label).write_bytes(pem.armor("CERTIFICATE", certificate.dump()))

    def stop(self) -> None:
        stop_process_group(self.process)

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def start_test_pki() -> TestPki:
    return TestPki(directory=Path(tempfile.mkdtemp(prefix="test-pki-")), port=free_port())
