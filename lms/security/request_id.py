"""A request id for every request: bound to every log line of the request (and of the Celery
tasks it queues, see ``lms.logs``) and returned as ``X-Request-ID``, so an operator can follow
one person's problem through web and worker logs without anyone's name in them. One access
line per request names the route pattern, not the address: addresses can hold tokens and
search words."""

import time

import structlog

from ..logs import request_id_from

access_log = structlog.get_logger("lms.access")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            access_log.info(
                "request",
                method=request.method,
                route=match.route if match else "",
                view=match.view_name if match else "",
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            response["X-Request-ID"] = request_id
            return response
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
