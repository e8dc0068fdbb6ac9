"""What the licenses app does when the apps below it tell it something."""

import logging
from typing import Any

from django.db import transaction
from django_scopes import scope

from licenses.models import License
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable

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


def project_changed(*, project: Any, deleted: bool) -> None:
    """A project's rules on licenses (``License.project_seats``) follow it: a renamed
    project keeps them under its new slug (acquire names projects by slug), a deleted
    one's reservation and cap go, so its reserved seats return to everyone. Each
    license changed is saved, so acquire's cache learns it at once. An organization
    has few licenses: they are read whole."""
    project_id = str(project.pk)
    with scope(org=project.org_id):
        for license_ in License.objects.all():
            rules = license_.project_seats
            if not any(r["project"] == project_id for r in rules):
                continue
            if deleted:
                rules = [r for r in rules if r["project"] != project_id]
            elif all(r["slug"] == project.slug for r in rules if r["project"] == project_id):
                continue
            else:
                rules = [
                    {**r, "slug": project.slug} if r["project"] == project_id else r for r in rules
                ]
            license_.project_seats = rules
            license_.save(update_fields=["project_seats", "updated_at"])
