"""What the licenses app does when the apps below it tell it something."""

import logging
from typing import Any

from django.db import transaction
from django_scopes import scope

from licenses.models import License, LicenseAssignment, LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable
from licenses.services import session_rows

logger = logging.getLogger(__name__)


def organization_deleting(*, org: Any, **_: Any) -> None:
    """The organization's licenses go with its rows; their seats in the seat store are
    dropped once the deletion commits (a rollback leaves them as they were)."""
    with scope(org=org):
        license_ids = [str(pk) for pk in License.objects.values_list("id", flat=True)]
    logger.info("organization %s deleting: %d licenses' seats go", org.pk, len(license_ids))

    def drop_seats() -> None:
        store = get_seat_store()
        for license_id in license_ids:
            try:
                store.drop_license(license_id)
            except SeatStoreUnavailable:
                logger.warning(
                    "seat store unavailable: seats of license %s not dropped", license_id
                )

    transaction.on_commit(drop_seats)


def member_removed(*, org: Any, user: Any, **_: Any) -> None:
    """A person who is no longer a member holds nothing of the organization: their
    assignments go with the membership, and their live sessions end (revoked, seats
    free, next heartbeat 410) once the removal commits."""
    with scope(org=org):
        LicenseAssignment.objects.filter(user=user).delete()

    def end_sessions() -> None:
        with scope(org=org):
            live = list(
                LicenseSession.objects.filter(
                    user=user, status=LicenseSession.Status.ACTIVE
                ).values_list("id", "license_id", "member")
            )
        try:
            session_rows.sessions_revoke_live(get_seat_store(), live)
        except SeatStoreUnavailable:
            # Their sessions end at their next heartbeat's 410 or by the reaper.
            logger.warning("seat store unavailable: sessions of a removed member left live")

    transaction.on_commit(end_sessions)


def seat_rules_follow(kind: str, target: Any, deleted: bool) -> None:
    """The rules on licenses (``License.project_seats``) of a project or a group of
    people (``kind``) follow it: a renamed one keeps them under its new slug (acquire
    names projects by slug), a deleted one's reservation and cap go, so its reserved
    seats return to everyone. Each license changed is saved, so acquire's cache
    learns it at once. An organization has few licenses: they are read whole."""
    target_id = str(target.pk)
    with scope(org=target.org_id):
        for license_ in License.objects.all():
            rules = license_.project_seats
            if not any(r.get(kind) == target_id for r in rules):
                continue
            if deleted:
                rules = [r for r in rules if r.get(kind) != target_id]
            elif all(r["slug"] == target.slug for r in rules if r.get(kind) == target_id):
                continue
            else:
                rules = [
                    {**r, "slug": target.slug} if r.get(kind) == target_id else r for r in rules
                ]
            license_.project_seats = rules
            license_.save(update_fields=["project_seats", "updated_at"])
