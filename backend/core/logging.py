"""The request id on every log line, and a readable mark on lines no request made."""

import logging

from django_guid.log_filters import CorrelationId


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
