"""Certificate PDF benchmark: ReportLab render, render + PAdES signature, WeasyPrint reference.

Renders the same certificate N times per variant after a warm-up and prints the median and
95th percentile in milliseconds per PDF. WeasyPrint renders an HTML/CSS version with the same
text, the same embedded DejaVu font (via @font-face) and the same QR code (inline SVG built from
the same matrix), because HTML-to-PDF is what a Django project would otherwise reach for.

    python bench/pdf.py [--runs 300] [--warmup 20] [--no-weasyprint]

Run it through ``make bench-pdf``, which installs WeasyPrint (the ``bench`` extra) first.
"""

from __future__ import annotations

import argparse
import base64
import io
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

import django  # noqa: E402

django.setup()

from django.template import Context, Engine  # noqa: E402

from certificates.rendering import (  # noqa: E402
    CertificateSnapshot,
    format_date_de,
    format_hours_de,
    load_platform_signer,
    render_certificate_pdf,
    sign_certificate_pdf,
)
from certificates.rendering.pdf import FONT_DIR  # noqa: E402
from certificates.rendering.qr import qr_matrix  # noqa: E402


def make_logo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 90), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 90, 90), fill="#004b87")
    draw.rectangle((105, 30, 290, 60), fill="#7fa5c3")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


SNAPSHOT = CertificateSnapshot(
    serial="KDSR-2026-000123",
    code="Q7XK-M2PA-9TVD",
    learner_name="Łukasz Żółć",
    course_title="Digitale Verwaltung: Onlinezugangsgesetz in der Praxis",
    content_revision="Revision 42 vom 12.03.2026",
    modules=(
        "Grundlagen des OZG 2.0",
        "Barrierefreie Formulare",
        "Datenschutz und DSGVO im Bürgerservice",
        "Registermodernisierung",
        "Agiles Arbeiten in der Verwaltung",
        "Abschlussprüfung",
    ),
    hours=Decimal("8.5"),
    issued_on=date(2026, 3, 12),
    valid_until=date(2029, 3, 31),
    issuer_name="Kompetenzzentrum Digitale Städte und Regionen",
    signatory_name="Dr. Růžena Dvořáková",
    signatory_role="Leiterin des Kompetenzzentrums",
    wording=(
        "hat erfolgreich an der folgenden Qualifizierung des Kommunal-Campus teilgenommen "
        "und alle Lernerfolgskontrollen bestanden:"
    ),
    colour="#004b87",
    logo=make_logo(),
    verify_url="https://campus.example.org/zertifikate/pruefen/Q7XK-M2PA-9TVD/",
)

HTML_TEMPLATE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<title>Zertifikat: {{ s.course_title }} – {{ s.learner_name }}</title>
<meta name="author" content="{{ s.issuer_name }}">
<meta name="description" content="{{ s.course_title }}">
<meta name="generator" content="Kommunal-Campus">
<style>
@font-face { font-family: "Campus"; src: url("{{ regular }}"); font-weight: normal; }
@font-face { font-family: "Campus"; src: url("{{ bold }}"); font-weight: bold; }
@page { size: A4 landscape; margin: 0; }
body { margin: 0; font-family: "Campus"; color: #1f2933; }
.page { position: relative; box-sizing: border-box; width: 297mm; height: 210mm;
        border: 3pt solid {{ s.colour }}; outline: 0.6pt solid {{ s.colour }};
        outline-offset: -7pt; padding: 40pt 60pt; }
.logo { position: absolute; left: 60pt; top: 40pt; height: 52pt; }
.issuer { position: absolute; right: 50pt; top: 40pt; color: {{ s.colour }}; font-weight: bold;
          font-size: 10pt; }
h1 { margin: 80pt 0 0; text-align: center; font-size: 36pt; color: {{ s.colour }}; }
.rule { width: 90pt; margin: 6pt auto 30pt; border-top: 1.6pt solid {{ s.colour }}; }
.name { text-align: center; font-size: 30pt; font-weight: bold; margin: 0; }
.wording { text-align: center; font-size: 11.5pt; color: #52606d; margin: 8pt 80pt; }
.course { text-align: center; font-size: 19pt; font-weight: bold; color: {{ s.colour }};
          margin: 16pt 0 2pt; }
.details { text-align: center; font-size: 9.5pt; color: #52606d; margin: 0; }
h2 { text-align: center; font-size: 9.5pt; color: {{ s.colour }}; margin: 10pt 0 2pt; }
ul { columns: 2; width: 620pt; margin: 0 auto; font-size: 9.5pt; padding: 0; }
.footer { position: absolute; left: 70pt; right: 70pt; bottom: 50pt; height: 110pt; }
.dates { position: absolute; left: 0; bottom: 0; font-size: 10.5pt; font-weight: bold; }
.dates span { display: block; font-size: 8pt; font-weight: normal; color: #52606d; }
.signature { position: absolute; left: 235pt; width: 230pt; bottom: 10pt; text-align: center;
             border-top: 0.6pt solid #1f2933; font-weight: bold; font-size: 10.5pt; }
.signature span { display: block; font-weight: normal; font-size: 8.5pt; color: #52606d; }
.qr { position: absolute; right: 0; bottom: 0; width: 84pt; text-align: center;
      font-size: 9pt; font-weight: bold; white-space: nowrap; }
.qr svg { width: 84pt; height: 84pt; display: block; }
.verify { position: absolute; left: 0; right: 0; bottom: 32pt; text-align: center;
          font-size: 8pt; color: #52606d; }
</style></head>
<body><div class="page">
{% if logo %}<img class="logo" src="{{ logo }}" alt="">{% endif %}
<div class="issuer">{{ s.issuer_name }}</div>
<h1>Zertifikat</h1><div class="rule"></div>
<p class="name">{{ s.learner_name }}</p>
<p class="wording">{{ s.wording }}</p>
<p class="course">{{ s.course_title }}</p>
<p class="details">{{ s.content_revision }} · Umfang: {{ hours }}</p>
<h2>Inhalte</h2>
<ul>{% for module in s.modules %}<li>{{ module }}</li>{% endfor %}</ul>
<div class="footer">
  <div class="dates"><span>Ausgestellt am</span>{{ issued }}
    {% if valid_until %}<span>Gültig bis</span>{{ valid_until }}{% endif %}
    <span>Zertifikatsnummer</span>{{ s.serial }}</div>
  <div class="signature">{{ s.signatory_name }}<span>{{ s.signatory_role }}</span></div>
  <div class="qr">{{ qr_svg|safe }}<span style="font-weight:normal;font-size:7.5pt">Prüfcode</span>
    <br>{{ s.code }}</div>
</div>
<div class="verify">Echtheit prüfen: {{ s.verify_url }}</div>
</div></body></html>
"""


def qr_svg(data: str) -> str:
    """The same QR matrix as the ReportLab path, as one SVG path (what a careful user writes)."""
    matrix = qr_matrix(data)
    runs = []
    for y, row in enumerate(matrix):
        start = None
        for x, dark in enumerate([*row, False]):
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
                start = None
    size = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges"><path d="{"".join(runs)}" fill="#1f2933"/></svg>'
    )


def weasyprint_renderer() -> Callable[[CertificateSnapshot], bytes]:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    template = Engine(autoescape=True).from_string(HTML_TEMPLATE)
    font_config = FontConfiguration()  # shared, as a long-running worker would keep it

    def render(snapshot: CertificateSnapshot) -> bytes:
        logo = snapshot.logo and "data:image/png;base64," + base64.b64encode(snapshot.logo).decode()
        html = template.render(
            Context(
                {
                    "s": snapshot,
                    "regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
                    "bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
                    "logo": logo,
                    "hours": format_hours_de(snapshot.hours),
                    "issued": format_date_de(snapshot.issued_on),
                    "valid_until": snapshot.valid_until and format_date_de(snapshot.valid_until),
                    "qr_svg": qr_svg(snapshot.verify_url),
                }
            )
        )
        return HTML(string=html, base_url=str(ROOT)).write_pdf(font_config=font_config)

    return render


def measure(fn: Callable[[], bytes], runs: int, warmup: int) -> tuple[float, float, float, int]:
    """Wall-clock median and p95, CPU-time median (ms) over ``runs`` calls; the output size.

    The CPU time shows how much of the wall time is this process's own work: on a shared
    machine the difference is time spent waiting for a core.
    """
    for _ in range(warmup):
        output = fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        output = fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    wall.sort()
    p95 = wall[min(len(wall) - 1, round(0.95 * len(wall)) - 1)]
    return statistics.median(wall), p95, statistics.median(cpu), len(output)


def check_text(pdf: bytes, label: str) -> None:
    """Fail loudly if a variant lost the learner's name (a fast but wrong PDF is no result)."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is a dev dependency; skip the check without it
        return
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    if SNAPSHOT.learner_name not in text:
        raise SystemExit(f"{label}: the learner's name is missing from the PDF text")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-weasyprint", action="store_true")
    parser.add_argument(
        "--long-term-runs",
        type=int,
        default=50,
        help="B-LT signatures against the local test PKI (0: skip)",
    )
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # it logs every layout step

    signer = load_platform_signer()
    variants: list[tuple[str, Callable[[], bytes]]] = [
        ("ReportLab render", lambda: render_certificate_pdf(SNAPSHOT)),
        (
            "ReportLab render + PAdES sign",
            lambda: sign_certificate_pdf(render_certificate_pdf(SNAPSHOT), signer=signer),
        ),
    ]
    if not args.no_weasyprint:
        try:
            render_html = weasyprint_renderer()
        except (ImportError, OSError) as error:
            print(f"WeasyPrint unavailable ({error}); run `make bench-pdf` to install it.")
        else:
            variants.append(("WeasyPrint (HTML/CSS)", lambda: render_html(SNAPSHOT)))

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Certificate PDF, {args.runs} runs per variant after {args.warmup} warm-up; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load {load:.2f}"
    )
    print(f"{'variant':<32}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'size KB':>9}")
    medians, cpu_medians = {}, {}
    for label, fn in variants:
        check_text(fn(), label)
        median, p95, cpu, size = measure(fn, args.runs, args.warmup)
        medians[label], cpu_medians[label] = median, cpu
        print(f"{label:<32}{median:>10.1f}{p95:>9.1f}{cpu:>8.1f}{size / 1024:>9.0f}")

    reportlab = medians["ReportLab render"]
    if "WeasyPrint (HTML/CSS)" in medians:
        factor = medians["WeasyPrint (HTML/CSS)"] / reportlab
        print(f"speed-up, ReportLab render vs WeasyPrint (medians): {factor:.1f}×")
        cpu_factor = cpu_medians["WeasyPrint (HTML/CSS)"] / cpu_medians["ReportLab render"]
        print(f"speed-up on CPU time (less sensitive to other load): {cpu_factor:.1f}×")
        signed = medians["WeasyPrint (HTML/CSS)"] / medians["ReportLab render + PAdES sign"]
        print(f"speed-up, ReportLab render + sign vs WeasyPrint unsigned: {signed:.1f}×")
    if args.long_term_runs:
        measure_long_term(args.long_term_runs)
    verdict = "met" if reportlab <= 10 else "MISSED"
    print(f"target median ≤ 10 ms for the ReportLab render: {verdict} ({reportlab:.1f} ms)")
    after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average after the run: {after:.2f} (other work on the {os.cpu_count()} cores)")


def measure_long_term(runs: int) -> None:
    """PAdES B-LT signing cost, printed apart: a timestamp from an RFC 3161 TSA and OCSP answers
    fetched for the DSS, here from Certomancer on 127.0.0.1 (the test PKI of the suite), so the
    figure is the platform's own work plus loopback round trips, not a real TSA's latency."""
    try:
        from tests.peers.pki import certomancer_available, start_test_pki
    except ImportError:
        certomancer_available = None
    if certomancer_available is None or not certomancer_available():
        print("B-LT signing: skipped (certomancer, a dev dependency, is not installed)")
        return
    from django.test import override_settings

    from certificates.rendering import load_long_term_signing

    logging.getLogger("pyhanko_certvalidator").setLevel(logging.WARNING)
    pdf = render_certificate_pdf(SNAPSHOT)
    with (
        start_test_pki() as pki,
        override_settings(
            CERTIFICATE_SIGNING_KEY_FILE=str(pki.key("signer")),
            CERTIFICATE_SIGNING_CERT_FILE=str(pki.pem("signer")),
            CERTIFICATE_TIMESTAMP_URL=pki.tsa_url,
            CERTIFICATE_TRUST_ROOTS_FILE=str(pki.pem("root")),
        ),
    ):
        signer, long_term = load_platform_signer(), load_long_term_signing()
        median, p95, cpu, size = measure(
            lambda: sign_certificate_pdf(pdf, signer=signer, long_term=long_term),
            runs,
            max(2, runs // 10),
        )
    print(
        f"{'PAdES B-LT sign (TSA+OCSP local)':<32}{median:>10.1f}{p95:>9.1f}{cpu:>8.1f}"
        f"{size / 1024:>9.0f}   (signing only, {runs} runs)"
    )


if __name__ == "__main__":
    main()
