"""Exponential backoff with full jitter, honouring ``Retry-After``."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry a request that failed transiently.

    ``attempts`` counts every try, the first included (1 = never retry).
    The n-th wait (n from 0) is uniform in [0, min(max_delay, base_delay * 2**n)]
    ("full jitter"), and never shorter than a ``Retry-After`` the server sent
    (capped at ``max_retry_after``). ``deadline`` (seconds from the first try)
    bounds the whole call.
    """

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0
    deadline: float | None = 60.0

    def backoff(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (0 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry_number))
        delay = random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_retry_after))
        return delay


NO_RETRY = RetryPolicy(attempts=1, deadline=None)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)
