"""A reusable CMS signature container: pyHanko builds it once, each signature only fills it in.

Why: for every certificate pyHanko assembles the CMS ``SignedData`` afresh with asn1crypto,
re-encoding the embedded X.509 certificates and all attributes. That costs ~25 ms of CPU, more
than rendering the PDF, and made signing the bottleneck of bulk issuance. For a PAdES B-B
signature without a timestamp, two containers made by the same signer differ in exactly two
fixed-length fields: the ``messageDigest`` signed attribute (the document hash) and the RSA
signature value. So the container is built once by pyHanko with a sentinel digest, the offsets of
those two fields are recorded, and each signature patches them: hash the signed attributes, sign
with the cached key (~2 ms for RSA-3072), splice the bytes in.

The template proves itself when built: a second container made by pyHanko with another digest
must differ from the first only inside the two recorded fields, or the template is refused and
pyHanko's own path is used. Tests validate the signed PDFs with pyHanko's validator.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from asn1crypto import cms

SENTINEL_A = hashlib.sha256(b"kommunal-campus cms template a").digest()
SENTINEL_B = hashlib.sha256(b"kommunal-campus cms template b").digest()


class TemplateMismatch(Exception):
    """pyHanko's containers differ in more than the digest and the signature."""


@dataclass(frozen=True)
class CmsTemplate:
    der: bytes
    attrs_start: int  # offset of the signed attributes ([0] IMPLICIT SET) in ``der``
    attrs_end: int
    digest_offset: int  # offset of the message digest in ``der``
    digest_length: int
    signature_offset: int  # offset of the signature value in ``der``
    signature_length: int

    def signed_attributes(self, digest: bytes) -> bytes:
        """The DER that is signed: the signed attributes with the document digest, tagged as a
        SET OF (RFC 5652, 5.4) rather than the [0] IMPLICIT tag they carry in the container."""
        attrs = bytearray(self.der[self.attrs_start : self.attrs_end])
        start = self.digest_offset - self.attrs_start
        attrs[start : start + self.digest_length] = digest
        attrs[0] = 0x31
        return bytes(attrs)

    def fill(self, digest: bytes, signature: bytes) -> cms.ContentInfo:
        if len(digest) != self.digest_length or len(signature) != self.signature_length:
            raise TemplateMismatch("digest or signature length differs from the template")
        der = bytearray(self.der)
        der[self.digest_offset : self.digest_offset + self.digest_length] = digest
        der[self.signature_offset : self.signature_offset + self.signature_length] = signature
        return cms.ContentInfo.load(bytes(der))


def build_template(first: cms.ContentInfo, second: cms.ContentInfo) -> CmsTemplate:
    """Derive the template from two containers pyHanko made for SENTINEL_A and SENTINEL_B."""
    der_a, der_b = first.dump(), second.dump()
    if len(der_a) != len(der_b):
        raise TemplateMismatch("containers differ in length")
    signer_info = first["content"]["signer_infos"][0]
    attrs = signer_info["signed_attrs"].dump()
    signature = signer_info["signature"].native
    attrs_start = der_a.find(attrs)
    digest_offset = der_a.find(SENTINEL_A, attrs_start, attrs_start + len(attrs))
    signature_offset = der_a.find(signature)
    if min(attrs_start, digest_offset, signature_offset) < 0:
        raise TemplateMismatch("fields not found in the container")
    digest_range = range(digest_offset, digest_offset + len(SENTINEL_A))
    signature_range = range(signature_offset, signature_offset + len(signature))
    for index, (byte_a, byte_b) in enumerate(zip(der_a, der_b, strict=True)):
        if byte_a != byte_b and index not in digest_range and index not in signature_range:
            raise TemplateMismatch(f"containers differ outside the known fields at {index}")
    return CmsTemplate(
        der=der_a,
        attrs_start=attrs_start,
        attrs_end=attrs_start + len(attrs),
        digest_offset=digest_offset,
        digest_length=len(SENTINEL_A),
        signature_offset=signature_offset,
        signature_length=len(signature),
    )
