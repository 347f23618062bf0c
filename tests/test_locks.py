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


def test_sbom_lists_the_production_packages_only(tmp_path):
    """The CycloneDX SBOM (make sbom, run in CI) names every production package with its
    locked version, and no test or lint tool."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    target = tmp_path / "sbom.cdx.json"
    subprocess.run(  # noqa: S603 (the installed generator, fixed arguments)
        [
            str(Path(sys.executable).parent / "cyclonedx-py"),
            "requirements",
            str(root / "requirements.lock"),
            "--pyproject",
            str(root / "pyproject.toml"),
            "--of",
            "JSON",
            "--output-reproducible",
            "-o",
            str(target),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sbom = json.loads(target.read_text())
    assert sbom["bomFormat"] == "CycloneDX" and sbom["specVersion"] == "1.6"
    versions = {component["name"].lower(): component["version"] for component in sbom["components"]}
    locked = dict(
        line.split("==")
        for line in (root / "requirements.lock").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert versions["django"] == locked["django"] and versions["wagtail"] == locked["wagtail"]
    assert not {"pytest", "playwright", "ruff", "pytest-django"} & set(versions)


def test_make_run_and_make_test_install_no_system_packages():
    """The README's two commands (and what they depend on) call no apt-get: system packages
    are documented and checked for, CI installs them."""
    import re
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    recipes = {}
    for match in re.finditer(r"^([\w./-]+):[^\n]*\n((?:\t[^\n]*\n)*)", makefile, re.M):
        recipes[match.group(1)] = match.group(2)
    for target in ("run", "test", "messages", "install", "peers"):
        assert target in recipes, target
        assert "apt-get install" not in recipes[target].replace("(Debian: apt-get install", ""), (
            target
        )
