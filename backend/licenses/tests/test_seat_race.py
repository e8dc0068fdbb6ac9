"""200 acquirers race through real HTTP against gunicorn (several processes)."""

from collections import Counter

import httpx
import pytest
from django_scopes import scopes_disabled

from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from tests.fixtures.concurrency import race

pytestmark = [pytest.mark.sqlite, pytest.mark.server]


def test_200_acquirers_on_10_seats_get_exactly_10(live_api, store_kind, make_license):
    license_, key = make_license(seats=10)
    with live_api.racing_client(200) as client:

        def acquire(i: int) -> int:
            body = {"license_key": key, "hardware_id": f"machine-{i}"}
            reply = client.post("/api/v1/licenses/acquire", json=body)
            if reply.status_code not in (201, 409):
                odd.append(reply.text)
            return reply.status_code

        odd: list[str] = []
        codes = race(acquire, 200)
    assert sorted(Counter(codes).items()) == [(201, 10), (409, 190)], (odd, live_api.errors())
    with scopes_disabled():
        assert LicenseSession.objects.filter(license=license_, status="active").count() == 10
    assert get_seat_store().count(str(license_.id)) == 10


def test_one_fingerprint_racing_itself_gets_one_session(live_api, store_kind, make_license):
    license_, key = make_license(seats=5)
    with httpx.Client(base_url=live_api.url, timeout=60) as client:

        def acquire(i: int) -> str:
            body = {"license_key": key, "hardware_id": "same-machine"}
            response = client.post("/api/v1/licenses/acquire", json=body)
            assert response.status_code in (200, 201), response.text
            return response.json()["session_id"]

        sessions = race(acquire, 30)
    assert len(set(sessions)) == 1
    with scopes_disabled():
        assert LicenseSession.objects.filter(license=license_).count() == 1
