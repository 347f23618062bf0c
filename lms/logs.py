"""Structured logs: one JSON object per line (production) with a request id that follows a
request into the Celery tasks it queues, and no personal data.

Every log line, ours and the libraries' (Django, Celery, axes, pyHanko …), passes through
``redact_personal_data``: e-mail addresses, IP addresses and long tokens in paths are replaced
before the line is written, so a library that logs "login failed for anna@bonn.de from
10.1.2.3" cannot put personal data into the log store. Our own log calls name records by id.
"""

from __future__ import annotations

import re
import uuid

import structlog
from celery.signals import before_task_publish, task_postrun, task_prerun

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
# Full (five groups or more) or "::"-shortened IPv6 addresses; times like 14:30:00 stay.
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){4,7}[0-9a-fA-F]{1,4}"
    r"|(?:[0-9a-fA-F]{1,4}:){0,6}:(?::?[0-9a-fA-F]{1,4}){1,7})(?![\w:])"
)
# Invitation, password-reset and verification links carry secrets as path segments.
_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-]{20,}(?=/|$|\s|\?)")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
_KEEP = {"request_id", "timestamp", "level", "logger"}


def redact(text: str) -> str:
    text = _EMAIL.sub("[E-Mail]", text)
    text = _IPV4.sub("[IP]", text)
    text = _IPV6.sub("[IP]", text)
    return _TOKEN.sub("[Token]", text)


def redact_personal_data(logger, method_name, event_dict):
    """Redact every value as the renderer would write it: objects a library passes along
    (Django's ``request`` on its warnings, for one) become their text first."""
    for key, value in list(event_dict.items()):
        if key in _KEEP or value is None or isinstance(value, bool | int | float):
            continue
        event_dict[key] = redact(value if isinstance(value, str) else str(value))
    return event_dict


def _render_exception_then_redact(logger, method_name, event_dict):
    event_dict = structlog.processors.format_exc_info(logger, method_name, event_dict)
    return redact_personal_data(logger, method_name, event_dict)


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def structured_formatter(*, json: bool) -> structlog.stdlib.ProcessorFormatter:
    """The one formatter of every handler: structlog's processors for our lines and the
    libraries' alike, then redaction, then JSON (or a readable line in development)."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared_processors(), structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _render_exception_then_redact,
            renderer,
        ],
    )


def logging_config(*, level: str, json: bool) -> dict:
    """Django's LOGGING: every record through ``structured_formatter``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": "lms.logs.structured_formatter", "json": json}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            # Wagtail's search and reference-index tasks run through django-tasks; one line each.
            "django_tasks": {"level": "WARNING"},
            "wagtail": {"level": "WARNING"},
            "celery.app.trace": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def request_id_from(header: str | None) -> str:
    """The caller's id (a load balancer's X-Request-ID) when well-formed, else a new one."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


# --- Into Celery -------------------------------------------------------------------------------


@before_task_publish.connect(dispatch_uid="request_id_into_task")
def _request_id_into_task(headers=None, **kwargs):
    request_id = current_request_id()
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id


@task_prerun.connect(dispatch_uid="request_id_in_task")
def _request_id_in_task(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, "request_id", None) or current_request_id() or task_id
    task.request._log_tokens = structlog.contextvars.bind_contextvars(
        request_id=request_id, task=task.name
    )


@task_postrun.connect(dispatch_uid="request_id_after_task")
def _request_id_after_task(task=None, **kwargs):
    tokens = getattr(task.request, "_log_tokens", None)
    if tokens:
        structlog.contextvars.reset_contextvars(**tokens)
