"""Start the real OpenID Provider (npm ``oidc-provider``, tests/peers/oidc_idp.mjs) on 127.0.0.1
and sign in at it the way a browser would (its own login form, cookies and redirects)."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "peers" / "oidc_idp.mjs"
PASSWORD = "richtig"


def oidc_provider_available() -> bool:
    return bool(shutil.which("node")) and (ROOT / "node_modules" / "oidc-provider").is_dir()


class OidcProvider:
    """A running IdP process; ``issuer`` is its URL. Use as a context manager."""

    def __init__(self, clients: list[dict], accounts: dict[str, dict], **options):
        """``options`` go into the IdP's configuration, e.g. ``code_ttl`` (seconds an
        authorization code is valid, 60 by default)."""
        self.config = {"port": 0, "clients": clients, "accounts": accounts, **options}
        self.issuer = ""

    def __enter__(self):
        self._config_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(self.config, self._config_file)
        self._config_file.close()
        self.process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [shutil.which("node"), str(SCRIPT), self._config_file.name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("READY "):
            self.process.kill()
            raise RuntimeError(f"oidc-provider did not start: {line!r}")
        self.issuer = line.split()[1]
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        Path(self._config_file.name).unlink(missing_ok=True)


def sign_in_at_idp(
    authorize_url: str, login: str, *, mfa: bool = False, session: requests.Session | None = None
) -> str:
    """Follow the IdP's login as a browser would; returns the URL it sends the browser back to
    (the relying party's redirect URI with code, state and iss). Pass ``session`` to keep the
    IdP's cookies (its single sign-on session) for a later ``return_from_idp``."""
    session = session if session is not None else requests.Session()
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    url = urljoin(authorize_url, response.headers["Location"])
    session.get(url, timeout=10).raise_for_status()  # the login form
    form = {"login": login, "password": PASSWORD}
    if mfa:
        form["mfa"] = "1"
    response = session.post(url, data=form, allow_redirects=False, timeout=10)
    return _follow_back(session, response, url, authorize_url)


def return_from_idp(authorize_url: str, session: requests.Session) -> str:
    """With the IdP's session still open, the IdP sends the browser straight back (no form):
    returns that URL."""
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    return _follow_back(session, response, authorize_url, authorize_url)


def _follow_back(session: requests.Session, response, url: str, authorize_url: str) -> str:
    """Follow the IdP's redirects until one leaves the IdP: the way back to the relying party."""
    while response.status_code in (302, 303):
        url = urljoin(url, response.headers["Location"])
        if not url.startswith(authorize_url.split("/auth")[0]):
            return url
        response = session.get(url, allow_redirects=False, timeout=10)
    raise AssertionError(f"IdP did not redirect back: {response.status_code} {response.text[:300]}")
