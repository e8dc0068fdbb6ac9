"""The fields of a log line beyond the formatter's: the request id on every line (a
readable mark on lines no request made), and what Cloud Logging reads from a JSON line.

Cloud Logging files a line by its ``severity`` field (no field: stderr is ERROR,
stdout INFO), orders by ``time`` and groups the lines of one request under
``logging.googleapis.com/trace``. The trace comes from the request's own trace
header (``traceparent``, or Google's ``X-Cloud-Trace-Context``); a request without
one has no trace field, and its lines are tied together by ``request_id``.
"""

import logging
import re
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse
from django_guid.log_filters import CorrelationId

TRACE_FIELD = "logging.googleapis.com/trace"

_trace_id: ContextVar[str | None] = ContextVar("trace_id", default=None)
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
_CLOUD_TRACE = re.compile(r"^([0-9a-f]{32})(?:/|$)")


def trace_id_of(request: HttpRequest) -> str | None:
    """The 32-hex trace ID a request carries, or None (malformed headers are ignored)."""
    match = _TRACEPARENT.match(request.META.get("HTTP_TRACEPARENT", "").strip().lower())
    if match is None:
        header = request.META.get("HTTP_X_CLOUD_TRACE_CONTEXT", "").strip().lower()
        match = _CLOUD_TRACE.match(header)
    if match is None or set(match.group(1)) == {"0"}:
        return None
    return match.group(1)


class TraceMiddleware:
    """Keeps the request's trace ID for the log lines written while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Not reset on the way out: Django logs a 4xx/5xx response after the middleware
        # chain has returned. The next request on this thread sets its own.
        _trace_id.set(trace_id_of(request))
        return self.get_response(request)


class CloudTraceFilter(logging.Filter):
    """Adds ``logging.googleapis.com/trace`` to records written under a traced request."""

    def __init__(self, project: str = "") -> None:
        super().__init__()
        self.project = project

    def filter(self, record: logging.LogRecord) -> bool:
        trace = _trace_id.get()
        if trace and self.project:
            setattr(record, TRACE_FIELD, f"projects/{self.project}/traces/{trace}")
        return True


class RequestIdFilter(CorrelationId):
    """django-guid's filter, with ``placeholder`` for work outside a request.

    The reaper and the rollup log from their own processes, where there is no
    request id: a plain console shows ``[-]`` there rather than ``[None]``; JSON
    keeps ``null``.
    """

    def __init__(self, placeholder: str | None = None) -> None:
        super().__init__()
        self.placeholder = placeholder

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        if record.correlation_id is None:
            record.correlation_id = self.placeholder
        return True
