"""Render a certificate snapshot as a one-page A4 landscape PDF with ReportLab's canvas.

Pure and fast: a snapshot in, PDF bytes out, no Django, no I/O but reading the vendored font at
import. The canvas is used directly (no Platypus) because a certificate is a fixed layout and the
canvas is where ReportLab is quickest; the QR code is one filled path (see ``_draw_qr``).
"""

from __future__ import annotations

import copy
import functools
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from PIL import Image
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader, _digester, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .qr import qr_matrix
from .snapshot import CertificateSnapshot
from .tagging import StructureTagger

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
REGULAR = "KCDejaVuSans"
BOLD = "KCDejaVuSans-Bold"
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)  # 841.89 × 595.28 pt
PDF_LANG = {"de": "de-DE"}
CREATOR = "Kommunal-Campus"

INK = HexColor("#1f2933")  # body text: ~15:1 contrast on white
MUTED = HexColor("#52606d")  # labels: ~6.4:1, still AA for small text

MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def _register_fonts() -> None:
    """Parse the TrueType files once per process; every document then embeds only a subset.

    Parsing DejaVu takes tens of milliseconds, so doing it per certificate would cost more than
    the whole rest of the rendering.
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


_register_fonts()


def format_date_de(value: date) -> str:
    """German long date, "12. März 2026", independent of the process locale and of Django."""
    return f"{value.day}. {MONTHS_DE[value.month - 1]} {value.year}"


def format_hours_de(hours: Decimal) -> str:
    """German hours with a decimal comma and no trailing zeros: "8,5 Stunden", "1 Stunde"."""
    number = format(hours.normalize(), "f").replace(".", ",")
    return f"{number} Stunde" if hours == 1 else f"{number} Stunden"


def render_certificate_pdf(snapshot: CertificateSnapshot) -> bytes:
    """Render the snapshot as a one-page, text-searchable PDF (A4 landscape, German).

    The output is byte-for-byte reproducible: ReportLab runs in invariant mode and the PDF's
    creation date is the issue date, so re-rendering an old certificate yields the same file
    (and the same hash) as the day it was issued.
    """
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        initialFontName=REGULAR,  # else ReportLab references an unembedded Helvetica
        invariant=True,
        lang=PDF_LANG[snapshot.language],
        pageCompression=1,
    )
    issued = snapshot.issued_on
    canvas.setDateFormatter(
        lambda *_: f"D:{issued.year:04d}{issued.month:02d}{issued.day:02d}000000Z"
    )
    title = f"Zertifikat: {snapshot.course_title} – {snapshot.learner_name}"
    keywords = f"Zertifikat, {snapshot.serial}, {snapshot.code}"
    canvas.setTitle(title)
    canvas.setAuthor(snapshot.issuer_name)
    canvas.setSubject(snapshot.course_title)
    canvas.setCreator(CREATOR)
    canvas.setKeywords(keywords)

    accent = HexColor(snapshot.colour)
    tags = StructureTagger(canvas)
    with tags.artifact():
        _draw_frame(canvas, accent)
    _draw_header(canvas, snapshot, accent, tags)
    _draw_body(canvas, snapshot, accent, tags)  # stops above FOOTER_TOP, truncating modules
    _draw_footer(canvas, snapshot, tags)
    canvas.showPage()
    lang = PDF_LANG[snapshot.language]
    tags.finish(
        lang=lang,
        metadata={
            "title": title,
            "author": snapshot.issuer_name,
            "subject": snapshot.course_title,
            "keywords": keywords,
            "lang": lang,
            "producer": canvas._doc.info.producer,
            "creator": CREATOR,
            "date": f"{issued:%Y-%m-%d}T00:00:00Z",
        },
    )
    canvas.save()
    return buffer.getvalue()


# --- Layout -------------------------------------------------------------------------------------
# Coordinates are PDF points from the bottom-left corner. The content column spans LEFT..RIGHT.
LEFT = 70.0
RIGHT = PAGE_WIDTH - 70.0
CENTRE = PAGE_WIDTH / 2
QR_SIZE = 84.0
FOOTER_TOP = 178.0  # dates, signature and QR code live below this line
LOGO_MAX_PIXELS = 720  # the logo box is 170 pt wide: 720 px is about 300 dpi in print


def _draw_frame(canvas: Canvas, accent: Color) -> None:
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36, stroke=1, fill=0)
    canvas.setLineWidth(0.6)
    canvas.rect(25, 25, PAGE_WIDTH - 50, PAGE_HEIGHT - 50, stroke=1, fill=0)


def _draw_header(
    canvas: Canvas, snapshot: CertificateSnapshot, accent: Color, tags: StructureTagger
) -> None:
    if snapshot.logo:
        image = _image_reader(snapshot.logo)
        _reuse_compressed_logo(canvas, snapshot.logo)
        with tags.tag("Figure", alt=f"Logo: {snapshot.issuer_name}"):
            canvas.drawImage(
                image,
                LEFT - 10,
                PAGE_HEIGHT - 95,
                width=170,
                height=52,
                preserveAspectRatio=True,
                anchor="sw",
                mask="auto",
            )
    canvas.setFillColor(accent)
    lines = simpleSplit(snapshot.issuer_name, BOLD, 10, 300)[:2]
    y = PAGE_HEIGHT - 58
    with tags.tag("P"):
        for line in lines:
            canvas.setFont(BOLD, 10)
            canvas.drawRightString(RIGHT + 10, y, line)
            y -= 13

    canvas.setFont(BOLD, 36)
    with tags.tag("H1"):
        canvas.drawCentredString(CENTRE, PAGE_HEIGHT - 140, "Zertifikat")
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(1.6)
    with tags.artifact():
        canvas.line(CENTRE - 45, PAGE_HEIGHT - 154, CENTRE + 45, PAGE_HEIGHT - 154)


def _draw_body(
    canvas: Canvas, snapshot: CertificateSnapshot, accent: Color, tags: StructureTagger
) -> float:
    """Name, wording, course, revision and hours, then the modules; returns the lowest y used."""
    y = PAGE_HEIGHT - 200
    # The name is shrunk to fit one line (down to 14 pt); only a name longer than any real one
    # wraps, so that it still stays inside the frame.
    size = _fit_size(snapshot.learner_name, BOLD, 30, 14, RIGHT - LEFT)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, size)
    lines = simpleSplit(snapshot.learner_name, BOLD, size, RIGHT - LEFT)
    with tags.tag("P"):
        for line in lines[:-1]:
            canvas.drawCentredString(CENTRE, y, line)
            y -= size * 1.15
        canvas.drawCentredString(CENTRE, y, lines[-1])
    y -= 28

    canvas.setFillColor(MUTED)
    for paragraph in snapshot.wording.split("\n"):
        with tags.tag("P"):
            y = _centred_lines(canvas, paragraph, REGULAR, 11.5, 15, 600, y, max_lines=3)
    y -= 14

    canvas.setFillColor(accent)
    title_size = 19.0
    lines = simpleSplit(snapshot.course_title, BOLD, title_size, RIGHT - LEFT - 40)
    if len(lines) > 2:
        title_size = 15.0
    with tags.tag("H2"):
        y = _centred_lines(
            canvas, snapshot.course_title, BOLD, title_size, title_size + 4, RIGHT - LEFT - 40, y, 3
        )
    y += 2

    details = [snapshot.content_revision, f"Umfang: {format_hours_de(snapshot.hours)}"]
    canvas.setFillColor(MUTED)
    with tags.tag("P"):
        y = _centred_lines(canvas, " · ".join(d for d in details if d), REGULAR, 9.5, 13, 640, y, 2)

    if snapshot.modules:
        y = _draw_modules(canvas, snapshot.modules, accent, y - 8, FOOTER_TOP, tags)
    return y


def _draw_modules(
    canvas: Canvas,
    modules: tuple[str, ...],
    accent: Color,
    top: float,
    bottom: float,
    tags: StructureTagger,
) -> float:
    """List the modules in one or two columns; too many for the space end in "… sowie N weitere"."""
    size, leading = 9.5, 12.5
    canvas.setFillColor(accent)
    canvas.setFont(BOLD, 9.5)
    with tags.tag("H3"):
        canvas.drawCentredString(CENTRE, top, "Inhalte")
    top -= leading + 1
    rows = max(1, int((top - bottom) // leading) + 1)
    columns = 1 if len(modules) <= min(4, rows) else 2
    capacity = rows * columns
    shown = list(modules)
    if len(shown) > capacity:
        shown = shown[: capacity - 1] + [f"… sowie {len(modules) - capacity + 1} weitere Module"]
    column_width = 300.0 if columns == 2 else 560.0
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, size)
    per_column = -(-len(shown) // columns)
    if columns == 1:
        widest = max(pdfmetrics.stringWidth(f"•  {m}", REGULAR, size) for m in shown)
        x_positions = [CENTRE - min(widest, column_width) / 2]
    else:
        x_positions = [CENTRE - column_width - 10, CENTRE + 10]
    lowest = top
    for index, module in enumerate(shown):
        column, row = divmod(index, per_column)
        y = top - row * leading
        text = _ellipsize(f"•  {module}", REGULAR, size, column_width)
        with tags.tag("P"):
            canvas.drawString(x_positions[column], y, text)
        lowest = min(lowest, y)
    return lowest - leading


def _draw_footer(canvas: Canvas, snapshot: CertificateSnapshot, tags: StructureTagger) -> None:
    """Dates and serial (left), signature (centre), QR code and verification code (right)."""
    # Left column: label above value.
    entries = [("Ausgestellt am", format_date_de(snapshot.issued_on))]
    if snapshot.valid_until is not None:
        entries.append(("Gültig bis", format_date_de(snapshot.valid_until)))
    entries.append(("Zertifikatsnummer", snapshot.serial))
    y = 148.0
    for label, value in entries:
        with tags.tag("P"):
            canvas.setFillColor(MUTED)
            canvas.setFont(REGULAR, 8)
            canvas.drawString(LEFT, y, f"{label}: ")  # read as "Ausgestellt am: 4. …"
            canvas.setFillColor(INK)
            canvas.setFont(BOLD, 10.5)
            canvas.drawString(LEFT, y - 13, value)
        y -= 32

    # Centre: signature line, signatory, role.
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    with tags.artifact():
        canvas.line(CENTRE - 115, 106, CENTRE + 115, 106)
    with tags.tag("P"):
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 10.5)
        signatory = _ellipsize(snapshot.signatory_name, BOLD, 10.5, 260)
        canvas.drawCentredString(CENTRE, 92, signatory)
    with tags.tag("P"):
        canvas.setFillColor(MUTED)
        _centred_lines(canvas, snapshot.signatory_role, REGULAR, 8.5, 11, 260, 79, max_lines=2)

    # Right: QR code with the printed code under it, for those who cannot scan.
    qr_x, qr_y = RIGHT - QR_SIZE + 6, 72.0
    canvas.setFillColor(INK)
    with tags.tag("Figure", alt=f"QR-Code: Link zur Echtheitsprüfung, {snapshot.verify_url}"):
        _draw_qr(canvas, snapshot.verify_url, qr_x, qr_y, QR_SIZE)
    # Label and code right-aligned under the QR code, never past the frame: the code is shrunk
    # to the space right of the signature (down to 6 pt) and, if still too long, split in two.
    code_right = qr_x + QR_SIZE
    code_width = code_right - (CENTRE + 125)
    with tags.tag("P"):
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawRightString(code_right, qr_y - 11, "Prüfcode: ")
        canvas.setFillColor(INK)
        size = _fit_size(snapshot.code, BOLD, 9, 6, code_width)
        canvas.setFont(BOLD, size)
        if pdfmetrics.stringWidth(snapshot.code, BOLD, size) <= code_width:
            canvas.drawRightString(code_right, qr_y - 22, snapshot.code)
        else:
            half = (len(snapshot.code) + 1) // 2
            canvas.drawRightString(code_right, qr_y - 21, snapshot.code[:half])
            canvas.drawRightString(code_right, qr_y - 21 - size * 1.2, snapshot.code[half:])

    # Bottom line: where to type the URL, in full, on one line (shrunk rather than wrapped).
    text = f"Echtheit prüfen: {snapshot.verify_url}"
    size = _fit_size(text, REGULAR, 8, 5.5, RIGHT - LEFT)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, size)
    with tags.tag("P"):
        canvas.drawCentredString(CENTRE, 36, text)


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as one filled path: a rectangle per horizontal run of dark modules.

    ReportLab's QrCodeWidget draws one rectangle object per dark module (and ``getBounds()``
    encodes the code twice). Here the coordinate system is scaled to one unit per module, so
    the path is written with small integers (no float formatting), and one fill leaves no
    hairline seams between modules in viewers.
    """
    matrix = qr_matrix(data)
    module = size / len(matrix)
    operators = []
    for row_index, row in enumerate(matrix):
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                operators.append(f"{start} {row_index} {col_index - start} 1 re")
                start = None
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, x, y + size)  # origin top-left, y down, unit module
    canvas.addLiteral("\n".join(operators) + "\nf")
    canvas.restoreState()


@functools.lru_cache(maxsize=8)
def _image_reader(logo: bytes) -> ImageReader:
    """Decode each distinct logo once per process: every certificate of an issuer shares one.

    Logos larger than print needs are scaled down first: ReportLab re-compresses the raw pixels
    into every PDF, so a 3000-pixel upload would otherwise cost tens of milliseconds per
    certificate and bloat the file.
    """
    image = Image.open(io.BytesIO(logo))
    image.load()
    if image.width > LOGO_MAX_PIXELS or image.height > LOGO_MAX_PIXELS:
        image.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS), Image.Resampling.LANCZOS)
    return ImageReader(image)


@functools.lru_cache(maxsize=8)
def _compressed_logo(logo: bytes) -> tuple[str, PDFImageXObject]:
    """The logo as ReportLab's image XObject, its pixels zlib-compressed once per process.

    ``drawImage`` compresses the raw pixels again for every PDF (about 1 ms for a 300 × 90 logo
    with alpha, an eighth of a certificate). The name is the digest ``drawImage`` computes for
    the same image and mask, so it finds the registered object and draws that.
    """
    reader = _image_reader(logo)
    pixels = reader.getRGBData()  # also splits off the alpha channel (``_dataA``)
    alpha = reader._dataA
    name = _digester(pixels + (alpha.getRGBData() if alpha else b"auto"))
    return name, PDFImageXObject(name, reader, mask="auto")


def _reuse_compressed_logo(canvas: Canvas, logo: bytes) -> None:
    """Register a copy of the compressed logo (and its soft mask) in this canvas's document,
    as ``drawImage`` would on first sight; objects are per document, the bytes are shared."""
    name, prototype = _compressed_logo(logo)
    document = canvas._doc
    registered = document.getXObjectName(name)
    if registered in document.idToObject:
        return
    image = copy.copy(prototype)
    soft_mask = image.__dict__.pop("_smask", None)
    canvas._setXObjects(image)
    document.Reference(image, registered)
    document.addForm(name, image)
    if soft_mask is not None:
        soft_mask = copy.copy(soft_mask)
        canvas._setXObjects(soft_mask)
        image.smask = document.Reference(soft_mask, document.getXObjectName(soft_mask.name))


# --- Text helpers -------------------------------------------------------------------------------


def _fit_size(text: str, font: str, largest: float, smallest: float, width: float) -> float:
    """The largest font size ≤ ``largest`` at which ``text`` fits ``width`` (never < smallest)."""
    natural = pdfmetrics.stringWidth(text, font, largest)
    if natural <= width:
        return largest
    return max(smallest, largest * width / natural)


def _ellipsize(text: str, font: str, size: float, width: float) -> str:
    """Cut ``text`` with an ellipsis so it fits ``width`` (for list items, never for names)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _centred_lines(
    canvas: Canvas,
    text: str,
    font: str,
    size: float,
    leading: float,
    width: float,
    y: float,
    max_lines: int,
) -> float:
    """Wrap ``text`` to ``width``, draw it centred from baseline ``y`` down; return the next y."""
    lines = simpleSplit(text, font, size, width)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [
            _ellipsize(" ".join(lines[max_lines - 1 :]), font, size, width)
        ]
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawCentredString(CENTRE, y, line)
        y -= leading
    return y
