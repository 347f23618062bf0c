"""A real SAML 2.0 identity provider on 127.0.0.1: pysaml2's ``Server`` behind a small WSGI app.

The protocol is pysaml2's (the IdP half of the library our service provider uses, run with its
own keys): it parses our AuthnRequest, builds and signs the Response and its Assertion with
xmlsec1, and posts it back through the browser (HTTP-POST binding). What is written here is the
directory around it: a login form, a few accounts, and knobs a test turns to make the IdP
misbehave the way a broken or hostile one would (another audience, an assertion already expired,
a second factor reported or not).

    with SamlIdp(ACCOUNTS) as idp:
        idp.register_sp(our_metadata_xml)     # what the IdP's admin does with our SP metadata
        acs_url, fields = sign_in_at_saml_idp(redirect_url, "anna")
"""

import datetime
import html
import re
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urljoin
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests

PASSWORD = "richtig"
PASSWORD_CLASS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MFA_CLASS = "https://refeds.org/profile/mfa"


def saml_idp_available() -> bool:
    """pysaml2 signs and verifies with Debian's ``xmlsec1``."""
    try:
        import saml2  # noqa: F401
    except ImportError:
        return False
    return bool(shutil.which("xmlsec1"))


def _self_signed(directory: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test-IdP Verwaltung")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


LOGIN_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<title>Anmeldung Verwaltung</title></head><body><main>
<h1>Anmeldung am Verzeichnis der Verwaltung</h1>
<form method="post" action="/sso/login">
<input type="hidden" name="key" value="{key}">
<p><label for="login">Benutzername</label>
<input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Passwort</label>
<input id="password" name="password" type="password"></p>
<p><input id="mfa" name="mfa" type="checkbox" value="1">
<label for="mfa">Mit Smartcard (zweiter Faktor)</label></p>
<p><button type="submit">Anmelden</button></p>
</form></main></body></html>"""


class SamlIdp:
    """A running IdP; ``metadata_url`` is what our admin form is given. Use as a context manager.

    ``accounts``: login → dict with ``subject`` (the persistent NameID) and SAML attributes
    (``mail``, ``givenName``, ``sn``, ``memberOf``, …, each a string or a list)."""

    def __init__(self, accounts: dict[str, dict]):
        self.accounts = accounts
        self.sp_metadata: dict[str, str] = {}  # entity ID → the SP's latest metadata
        self.audience: str | None = None  # another SP's entity id: a response not meant for us
        self.lifetime_minutes = 15  # negative: the assertion has expired when it arrives
        self.pending: dict[str, tuple] = {}
        self.base_url = ""
        self.require_signed_requests = False  # True: unsigned AuthnRequests are refused
        self.logged_out: list[str] = []  # subjects whose session a LogoutRequest ended
        self.logout_answers: list[tuple[str, bool]] = []  # (status, signed) of SP answers

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self):
        self._dir = tempfile.TemporaryDirectory()
        self.key_file, self.cert_file = _self_signed(Path(self._dir.name))
        self._httpd = make_server(
            "127.0.0.1", 0, self._app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.base_url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._dir.cleanup()

    @property
    def entity_id(self) -> str:
        return f"{self.base_url}/metadata"

    metadata_url = entity_id

    def register_sp(self, metadata_xml: str) -> None:
        """What the IdP's admin does with the SP metadata the platform publishes (a new version
        of an SP's metadata, with a signing key say, replaces the old)."""
        entity_id = re.search(r'entityID="([^"]+)"', metadata_xml).group(1)
        self.sp_metadata[entity_id] = metadata_xml

    def reset(self) -> None:
        self.audience = None
        self.lifetime_minutes = 15
        self.require_signed_requests = False
        self.logged_out = []
        self.logout_answers = []

    # -- pysaml2 ---------------------------------------------------------------------------
    def _server(self):
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
        from saml2.server import Server

        config = {
            "entityid": self.entity_id,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": self.key_file,
            "cert_file": self.cert_file,
            "metadata": {"inline": sorted(self.sp_metadata.values())},
            "allow_unknown_attributes": True,
            "service": {
                "idp": {
                    "name": "Test-IdP Verwaltung",
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{self.base_url}/sso/redirect", BINDING_HTTP_REDIRECT)
                        ],
                        "single_logout_service": [
                            (f"{self.base_url}/slo/redirect", BINDING_HTTP_REDIRECT)
                        ],
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    # pysaml2 applies this to every request it parses, logout requests included
                    "want_authn_requests_signed": self.require_signed_requests,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": self.lifetime_minutes},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
        }
        return Server(config=IdPConfig().load(config))

    def _metadata(self) -> str:
        from saml2.metadata import entity_descriptor

        return str(entity_descriptor(self._server().config))

    def _response_form(self, request, account: dict, mfa: bool, relay_state: str) -> str:
        from saml2 import BINDING_HTTP_POST
        from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

        server = self._server()
        args = server.response_args(request.message)
        if self.audience:
            args["sp_entity_id"] = self.audience
        identity = {k: v for k, v in account.items() if k != "subject"}
        response = server.create_authn_response(
            identity,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=account["subject"]),
            authn={"class_ref": MFA_CLASS if mfa else PASSWORD_CLASS, "authn_auth": self.entity_id},
            sign_assertion=True,
            sign_response=False,
            **args,
        )
        http = server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], relay_state, response=True
        )
        return http["data"]

    # -- WSGI ------------------------------------------------------------------------------
    def _app(self, environ, start_response):
        from saml2 import BINDING_HTTP_REDIRECT

        path = environ["PATH_INFO"]
        if path == "/metadata":
            return self._reply(start_response, self._metadata(), "application/samlmetadata+xml")
        if path == "/slo/redirect":
            return self._single_logout(environ, start_response)
        if path == "/slo/initiate":
            return self._initiate_logout(environ, start_response)
        if path == "/sso/redirect":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            try:
                request = self._server().parse_authn_request(
                    query["SAMLRequest"][0],
                    BINDING_HTTP_REDIRECT,
                    relay_state=query.get("RelayState", [None])[0],
                    sigalg=query.get("SigAlg", [None])[0],
                    signature=query.get("Signature", [None])[0],
                )
            except Exception:  # noqa: BLE001 (unsigned or badly signed: refused like an IdP does)
                request = None
            if request is None:
                return self._reply(start_response, "request refused", status="403 Forbidden")
            key = secrets.token_urlsafe(12)
            self.pending[key] = (request, query.get("RelayState", [""])[0])
            return self._reply(start_response, LOGIN_PAGE.format(key=key))
        if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            request, relay_state = self.pending.pop(form.get("key", ""), (None, ""))
            account = self.accounts.get(form.get("login", ""))
            if request is None or account is None or form.get("password") != PASSWORD:
                page = "<p>Anmeldung fehlgeschlagen</p>"
                return self._reply(start_response, page, status="403 Forbidden")
            page = self._response_form(request, account, form.get("mfa") == "1", relay_state)
            return self._reply(start_response, page)
        return self._reply(start_response, "not found", status="404 Not Found")

    def _single_logout(self, environ, start_response):
        """pysaml2 checks our LogoutRequest (its query signature against the certificate in our
        SP metadata), ends the session and redirects to our single logout service."""
        from saml2 import BINDING_HTTP_REDIRECT

        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        server = self._server()
        if "SAMLResponse" in query:  # the SP's answer to a logout the IdP started
            answer = server.parse_logout_request_response(
                query["SAMLResponse"], BINDING_HTTP_REDIRECT
            )
            status = answer.response.status.status_code.value if answer else "unreadable"
            self.logout_answers.append((status, "Signature" in query))
            return self._reply(start_response, "<p>Sie sind abgemeldet.</p>")
        try:
            request = server.parse_logout_request(
                query["SAMLRequest"],
                BINDING_HTTP_REDIRECT,
                relay_state=query.get("RelayState"),
                sigalg=query.get("SigAlg"),
                signature=query.get("Signature"),
            )
        except Exception:  # noqa: BLE001
            request = None
        if request is None or "Signature" not in query:
            return self._reply(start_response, "logout refused", status="403 Forbidden")
        self.logged_out.append(request.message.name_id.text)
        response = server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
        destination = server.metadata.single_logout_service(
            request.message.issuer.text, BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        http = server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            destination,
            query.get("RelayState", ""),
            response=True,
        )
        start_response("302 Found", [("Location", dict(http["headers"])["Location"])])
        return [b""]

    def _initiate_logout(self, environ, start_response):
        """The person signs out at the IdP: pysaml2 builds a LogoutRequest for the SP's single
        logout service, signs the redirect (RSA-SHA256) and sends the browser there.
        Query: ``sp`` (entity ID), ``subject`` (NameID), optional ``session_index``; answers
        arrive back at ``/slo/redirect`` and are recorded in ``logout_answers``."""
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
        from saml2.xmldsig import SIG_RSA_SHA256

        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        server = self._server()
        destination = server.metadata.single_logout_service(
            query["sp"], BINDING_HTTP_REDIRECT, "spsso"
        )[0]["location"]
        index = query.get("session_index")
        _request_id, message = server.create_logout_request(
            destination,
            query["sp"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=query["subject"]),
            session_indexes=[index] if index else None,
            sign=False,
        )
        http = server.apply_binding(
            BINDING_HTTP_REDIRECT, str(message), destination, "", sign=True, sigalg=SIG_RSA_SHA256
        )
        start_response("302 Found", [("Location", dict(http["headers"])["Location"])])
        return [b""]

    @staticmethod
    def _reply(start_response, body: str, content_type="text/html", status="200 OK"):
        start_response(status, [("Content-Type", f"{content_type}; charset=utf-8")])
        return [body.encode()]


def post_form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the IdP's auto-submitting HTTP-POST form."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    }
    return action, fields


def sign_in_at_saml_idp(redirect_url: str, login: str, *, mfa: bool = False) -> tuple[str, dict]:
    """Follow the IdP's login as a browser would; returns where its form posts to (our ACS) and
    the fields it posts (``SAMLResponse``, ``RelayState``)."""
    session = requests.Session()
    page = session.get(redirect_url, timeout=10)
    page.raise_for_status()
    key = re.search(r'name="key" value="([^"]+)"', page.text).group(1)
    form = {"key": key, "login": login, "password": PASSWORD}
    if mfa:
        form["mfa"] = "1"
    response = session.post(urljoin(redirect_url, "/sso/login"), data=form, timeout=10)
    response.raise_for_status()
    return post_form_fields(response.text)
