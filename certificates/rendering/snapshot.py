"""The frozen certificate snapshot: everything the PDF shows, copied at issue time.

The renderer reads nothing else (no models, no settings, no request), so a certificate re-rendered
years later shows exactly what was true when it was issued, even if the course was renamed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")
SUPPORTED_LANGUAGES = ("de",)


@dataclass(frozen=True)
class CertificateSnapshot:
    """What one issued certificate says, frozen: the single input of the renderer.

    Text fields are normalised to Unicode NFC on creation: ReportLab draws one glyph per code
    point and does no mark positioning, so a name typed in decomposed form ("u" + combining
    ring) would otherwise print a misplaced accent and not match a search for the composed name.
    """

    serial: str
    code: str
    learner_name: str
    course_title: str
    content_revision: str
    modules: tuple[str, ...]
    hours: Decimal
    issued_on: date
    valid_until: date | None
    issuer_name: str
    signatory_name: str
    signatory_role: str
    wording: str
    colour: str
    logo: bytes | None = field(repr=False)
    verify_url: str
    language: str = "de"

    def __post_init__(self) -> None:
        for name in (
            "serial",
            "code",
            "learner_name",
            "course_title",
            "content_revision",
            "issuer_name",
            "signatory_name",
            "signatory_role",
        ):
            object.__setattr__(self, name, _clean(getattr(self, name)))
        object.__setattr__(self, "wording", _clean_paragraphs(self.wording))
        object.__setattr__(self, "modules", tuple(_clean(m) for m in self.modules if m.strip()))
        object.__setattr__(self, "hours", Decimal(self.hours))

        if not self.learner_name or not self.course_title or not self.serial:
            raise ValueError("A certificate needs a serial, a learner name and a course title.")
        if not _URL_SAFE.match(self.code):
            raise ValueError(f"Verification code must be URL-safe: {self.code!r}")
        if not _HEX_COLOUR.match(self.colour):
            raise ValueError(f"Colour must be a hex colour like '#004b87': {self.colour!r}")
        if self.hours < 0:
            raise ValueError("Hours cannot be negative.")
        if self.valid_until is not None and self.valid_until < self.issued_on:
            raise ValueError("A certificate cannot expire before it is issued.")
        url = urlsplit(self.verify_url)
        if url.scheme not in {"http", "https"} or not url.netloc:
            raise ValueError(f"verify_url must be an absolute http(s) URL: {self.verify_url!r}")
        if self.language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"Unsupported certificate language: {self.language!r}")


def _clean(text: str) -> str:
    """NFC-normalise and collapse runs of whitespace (a PDF line has no use for tabs)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _clean_paragraphs(text: str) -> str:
    """Like ``_clean`` but keeps the template's line breaks as paragraph breaks."""
    lines = (_clean(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
