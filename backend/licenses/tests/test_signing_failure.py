"""DESIGN §7: when the signer cannot sign, acquire fails closed with a 503, and nothing
is half-written: no seat held, no session row, no seat event."""

import pytest
from django_scopes import scopes_disabled

from licenses.models import LicenseSession, SeatEvent
from licenses.seatstore import get_seat_store
from licenses.services import seats
from licenses.tests.helpers import acquire, heartbeat

pytestmark = pytest.mark.sqlite


class BrokenSigner:
    def sign(self, claims: dict) -> str:
        raise OSError("the HSM is unreachable")


def test_a_signer_that_fails_refuses_the_seat_and_leaves_nothing(
    store_kind, license_a, monkeypatch
):
    license_, key = license_a(seats=1)
    monkeypatch.setattr(seats, "current_signer", BrokenSigner)
    refused = acquire(key, "a")
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "signing_unavailable"
    assert refused.headers["Retry-After"] == "5"
    assert get_seat_store().count(str(license_.id)) == 0
    with scopes_disabled():
        assert not LicenseSession.objects.filter(license_id=license_.id).exists()
        assert not SeatEvent.objects.filter(license_id=license_.id).exists()

    monkeypatch.undo()
    granted = acquire(key, "a")
    assert granted.status_code == 201
    assert heartbeat(granted.json()).status_code == 200
