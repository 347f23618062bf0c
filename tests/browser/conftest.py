"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

They skip with a one-line reason where chromium (or axe-core from npm) is absent, so
``make test`` works on a bare machine; CI installs both and runs them.
"""

import functools
import json
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ensure_wagtail_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CI shares two cores between the app, the database and the browser: allow assertions time.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config, items):
    """Skip browser tests before Playwright tries to start a browser that is not there."""
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="chromium not installed (apt-get install chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture(autouse=True)
def _no_wagtail_autosave(settings):
    """Wagtail saves drafts in the background 500 ms after an edit. The live server shares one
    SQLite connection between its request threads, so an autosave still in flight when the test
    clicks "submit" makes two page creations race on that connection (seen in CI: the submit
    fails). Editors on PostgreSQL are not affected; the tests click explicitly, so autosave is
    off here."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def demo_site(django_db_serialized_rollback, transactional_db):
    """The demo content every browser test starts from. Serialized rollback restores the rows
    Wagtail's migrations create (root page, site, locale) after each flush."""
    from django.core.management import call_command

    ensure_wagtail_site()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def axe():
    """Run axe-core in the page; return violations of impact serious or critical."""
    if not AXE_JS.exists():
        pytest.skip("axe-core not installed (npm ci)")

    def run(page):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # (script-src 'self', no inline scripts) does not govern; add_script_tag would be
        # an inline script and be refused, as it should be.
        page.evaluate(_axe_source())
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a',"
            " 'wcag21aa', 'best-practice']})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def format_violations(violations) -> str:
    return json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot for the README (docs/screenshots/<name>.png)."""

    def take(page, name: str):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    return take


def login(page, live_server, email: str, password: str):
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden", exact=True).click()
