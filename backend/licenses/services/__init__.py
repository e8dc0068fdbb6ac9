"""Writes of the licenses app, the seed's ``LicenseService`` as functions, by job:

- ``assignments``: who may hold an ``assigned`` license's seats as a person;
- ``seats``: the client seat protocol (acquire, heartbeat, release) and an admin's revoke;
- ``license_admin``: creating, changing, suspending, rotating and deleting licenses;
- ``reaper``: heartbeats written behind, expired seats reclaimed;
- ``expiry``: warnings to the organization's admins before a license expires;
- ``session_rows``: the session rows and their seat events, the only writer of either.

Callers use the names below; each takes plain values and a ``core.actor.Actor`` where
someone acts, raises ``licenses.errors``, and knows nothing of HTTP.
"""

from licenses.services.assignments import assignment_add, assignment_remove
from licenses.services.expiry import ExpiryWarningReport, license_expiry_warnings_send
from licenses.services.license_admin import (
    EDITABLE,
    license_create,
    license_delete,
    license_renew,
    license_resume,
    license_rotate_key,
    license_suspend,
    license_update,
)
from licenses.services.reaper import ReapReport, heartbeats_flush, sessions_reap
from licenses.services.seats import (
    AcquiredSeat,
    QueuedSeat,
    person_sessions_revoke,
    queue_cancel,
    queue_cancel_as_person,
    session_acquire,
    session_acquire_as_person,
    session_borrow,
    session_borrow_as_person,
    session_heartbeat,
    session_member,
    session_release,
    session_revoke,
)

__all__ = [
    "EDITABLE",
    "AcquiredSeat",
    "ExpiryWarningReport",
    "QueuedSeat",
    "ReapReport",
    "assignment_add",
    "assignment_remove",
    "heartbeats_flush",
    "license_create",
    "license_delete",
    "license_expiry_warnings_send",
    "license_renew",
    "license_resume",
    "license_rotate_key",
    "license_suspend",
    "license_update",
    "person_sessions_revoke",
    "queue_cancel",
    "queue_cancel_as_person",
    "session_acquire",
    "session_acquire_as_person",
    "session_borrow",
    "session_borrow_as_person",
    "session_heartbeat",
    "session_member",
    "session_release",
    "session_revoke",
    "sessions_reap",
]
