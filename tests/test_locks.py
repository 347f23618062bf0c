"""Production installs only what it runs: the production lock holds no test or lint tools, and
every package in it has the version the tests ran with (the dev lock)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", re.M)


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {package.lower(): version for package, version in PIN.findall(text)}


def test_the_production_lock_has_no_test_tools_and_the_tested_versions():
    production, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {"django", "wagtail", "celery", "reportlab", "gunicorn"} <= set(production)
    assert not {"pytest", "pytest-django", "playwright", "ruff", "factory-boy"} & set(production)
    assert {"pytest", "playwright", "ruff"} <= set(development)
    assert {p: v for p, v in production.items() if development.get(p) != v} == {}
