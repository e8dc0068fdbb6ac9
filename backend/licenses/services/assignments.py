"""Who may hold an ``assigned`` license's seats as a person: assigning and unassigning
(admin actions, audited), and the lock that serializes an unassign with acquires.

The race this module closes: a person's acquire reads "assigned" from the database,
an admin unassigns the person and ends their sessions, then the acquire's seat step
grants a seat nobody will end. So an acquire for an ``assigned`` license reads its
verdict with ``SELECT … FOR SHARE`` of the assignment row and keeps that lock until its
session row is written (``seats.session_acquire_as_person``); ``assignment_remove``
takes the row's update lock first. Either the acquire commits first, and the unassign
then sees (and ends) its session, or the unassign commits first, and the acquire finds
no row: never a seat after the unassign. The same on both seat stores, because the
lock is in the database of record; on SQLite every write transaction is serialized
(``BEGIN IMMEDIATE``), which gives the same order.
"""

from typing import Any

from django.db import connection, transaction

from audit.services import audit_record
from core.actor import Actor
from core.errors import DomainError
from licenses.errors import SeatStoreDown
from licenses.models import License, LicenseAssignment, LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable
from licenses.services import session_rows
from tenants.models import Membership


class NotAMember(DomainError):
    code = "validation_error"
    message = "Only members of the organization who may use licenses can be assigned."


def assignment_share_lock(*, license_id: Any, user_id: Any) -> bool:
    """Whether the person is assigned to the license, holding a share lock on the row
    until the caller's transaction ends (see the module). Must run in a transaction."""
    table = connection.ops.quote_name(LicenseAssignment._meta.db_table)
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE license_id = %s AND user_id = %s{lock}",  # noqa: S608
            [_db(license_id), _db(user_id)],
        )
        return cursor.fetchone() is not None


def _db(value: Any) -> Any:
    # SQLite stores UUIDs as 32 hex digits; PostgreSQL takes the UUID text.
    text = str(value)
    return text.replace("-", "") if connection.vendor != "postgresql" else text


@transaction.atomic
def assignment_add(*, license_: License, user: Any, actor: Actor) -> LicenseAssignment:
    """Assign a member to the license (idempotent: assigning twice changes nothing and
    audits once)."""
    if not Membership.objects.filter(
        org_id=license_.org_id, user=user, role__in=("member", "admin", "owner")
    ).exists():
        raise NotAMember(details={"fields": {"user": [NotAMember.message]}})
    assignment, created = LicenseAssignment.objects.get_or_create(
        license=license_, user=user, defaults={"org_id": license_.org_id}
    )
    if created:
        audit_record(
            org=license_.org,
            actor=actor,
            action="license.assign",
            target=license_,
            after={"user": str(user.pk), "email": user.email},
        )
    return assignment


def assignment_remove(*, license_: License, user_id: Any, actor: Actor | None) -> int:
    """Unassign a person and end their live sessions of the license (revoked: seats free
    at once, next heartbeat 410). Returns how many sessions ended; unassigning someone
    not assigned ends nothing and is not audited. ``actor`` None: a cascade (the member
    left the organization), audited by whoever caused it."""
    store = get_seat_store()
    with transaction.atomic():
        removed = (
            LicenseAssignment.objects.select_for_update()
            .filter(license_id=license_.id, user_id=user_id)
            .values_list("id", flat=True)
            .first()
        )
        if removed is None:
            return 0
        LicenseAssignment.objects.filter(id=removed).delete()
        live = list(
            LicenseSession.objects.filter(
                license_id=license_.id, user_id=user_id, status=LicenseSession.Status.ACTIVE
            ).values_list("id", "license_id", "member")
        )
        try:
            ended = session_rows.sessions_revoke_live(store, live)
        except SeatStoreUnavailable as exc:
            raise SeatStoreDown() from exc
        if actor is not None:
            audit_record(
                org=license_.org,
                actor=actor,
                action="license.unassign",
                target=license_,
                before={"user": str(user_id)},
                after={"sessions_ended": ended},
            )
    return ended
