"""Structured logs (issue 18): a request id on every line of a request and of the Celery tasks
it queues, returned as X-Request-ID; no personal data in any line, whoever logs it."""

import io
import json
import logging

import pytest
import structlog
from celery import shared_task
from django.urls import reverse

from lms.logs import structured_formatter
from tests.conftest import requires_redis
from tests.factories import UserFactory


@pytest.fixture
def log_lines():
    """Everything logged during the test, as the production formatter writes it (JSON)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structured_formatter(json=True))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    levels = {name: logging.getLogger(name).level for name in ("axes", "django", "lms.access")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    lines.text = stream.getvalue
    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@shared_task(name="tests.log_probe")
def log_probe() -> str:
    structlog.get_logger("tests.probe").info("probe ran")
    return "ok"


@pytest.mark.django_db
def test_every_request_has_an_id_on_its_lines_and_in_the_response(client, log_lines):
    response = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="lb-0123456789abcdef")
    assert response["X-Request-ID"] == "lb-0123456789abcdef"
    access = [line for line in log_lines() if line["logger"] == "lms.access"]
    assert access[-1]["request_id"] == "lb-0123456789abcdef"
    assert access[-1]["route"] == "healthz" and access[-1]["status"] == 200

    forged = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="<script>x</script>")
    assert len(forged["X-Request-ID"]) == 32 and "<" not in forged["X-Request-ID"]

    # An eager task queued by a request logs under the request's id.
    structlog.contextvars.bind_contextvars(request_id="req-eager-0001")
    try:
        log_probe.delay()
    finally:
        structlog.contextvars.clear_contextvars()
    probe = [line for line in log_lines() if line["event"] == "probe ran"]
    assert probe[-1]["request_id"] == "req-eager-0001" and probe[-1]["task"] == "tests.log_probe"


@requires_redis
def test_the_request_id_follows_into_a_real_worker(celery_worker_on_redis, log_lines):
    structlog.contextvars.bind_contextvars(request_id="req-worker-0002")
    try:
        result = log_probe.delay()
    finally:
        structlog.contextvars.clear_contextvars()
    assert result.get(timeout=30) == "ok"
    probe = [line for line in log_lines() if line["event"] == "probe ran"]
    assert probe and probe[-1]["request_id"] == "req-worker-0002"


@pytest.mark.django_db
def test_no_personal_data_in_the_logs(client, log_lines, settings):
    """Failed logins up to the lockout (axes logs the address and the client IP), a 404 on an
    invitation link (Django logs the path with its token), a search for a person and an
    exception naming an address: none of it reaches a log line."""
    settings.AXES_FAILURE_LIMIT = 3
    person = UserFactory(email="anna.amsel@bonn.de", full_name="Anna Amsel")
    for _ in range(4):
        client.post(
            reverse("login"),
            {"username": person.email, "password": "falsch-falsch"},
            REMOTE_ADDR="192.0.2.44",
        )
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    client.get(f"/konto/einladung/{token}/")
    client.get("/gibt-es-nicht/" + token + "/")
    client.get(reverse("site_search"), {"q": "Anna Amsel"})
    try:
        raise ValueError(f"Mail an {person.email} ging nicht raus")
    except ValueError:
        logging.getLogger("lms.test").exception("Versand fehlgeschlagen")

    text = log_lines.text()
    assert len(log_lines()) >= 6, text  # the requests were logged …
    for secret in ("anna.amsel@bonn.de", "192.0.2.44", "127.0.0.1", token, "Anna Amsel"):
        assert secret not in text, secret  # … without anyone's data
    assert "[E-Mail]" in text  # the exception's address was there and was redacted


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Anmeldung von anna.amsel@bonn.de", "Anmeldung von [E-Mail]"),
        ("von 10.1.2.3 und 2001:db8::8a2e:370:7334", "von [IP] und [IP]"),
        ("lokal ::1 und fe80::1", "lokal [IP] und [IP]"),
        ("/konto/einladung/AbCdEfGhIjKlMnOpQrStUvWx/", "/konto/einladung/[Token]/"),
        ("Frist 04.12.2026 um 14:30:00 Uhr, Version 1.2.3", None),  # stays as it is
        ("Zertifikat KC-2026-000123 ausgestellt", None),
    ],
)
def test_redaction_takes_personal_data_and_leaves_the_rest(line, expected):
    from lms.logs import redact

    assert redact(line) == (expected or line)
