"""`make run PORT=…` gives the platform a SITE_URL on that port, so QR codes, share links and
mail links point where the server runs (they pointed to port 8000 whatever PORT said)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_run_passes_site_url_for_the_port():
    """The demo seed and the server both get SITE_URL=http://127.0.0.1:8811; an explicit
    SITE_URL (a proxy in front) wins."""
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    dry_run = subprocess.run(  # noqa: S603 (fixed arguments)
        [MAKE, "-n", "run", "PORT=8811"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    lines = [line for line in dry_run.splitlines() if "seed_demo" in line or "runserver" in line]
    assert len(lines) == 2
    assert all(line.startswith("SITE_URL=http://127.0.0.1:8811 ") for line in lines)
    assert "demo_idp --port 8812 &" in dry_run  # the demo IdP beside it, on the next port
    env["SITE_URL"] = "https://campus.example.org"
    dry_run = subprocess.run(  # noqa: S603 (fixed arguments)
        [MAKE, "-n", "run", "PORT=8811"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    assert "SITE_URL=https://campus.example.org .venv/bin/python manage.py runserver" in dry_run
