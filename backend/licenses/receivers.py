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
