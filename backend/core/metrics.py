"""Prometheus counters of the seat path.

Counters live in each process; under gunicorn set ``PROMETHEUS_MULTIPROC_DIR``
(a writable, emptied-at-start folder) and the ``/metrics`` view
(``coditect_license.metrics``) merges every worker's files.
"""

from prometheus_client import Counter

# result: granted | renewed | ok, or the error code (no_seats_available, …).
SEAT_ACQUIRE = Counter("coditect_seat_acquire", "Acquire calls by result", ["result"])
SEAT_HEARTBEAT = Counter("coditect_seat_heartbeat", "Heartbeats by result", ["result"])
SEAT_RELEASE = Counter("coditect_seat_release", "Releases by result", ["result"])
SEAT_REAP = Counter("coditect_seat_reap", "Sessions reaped as zombies")
