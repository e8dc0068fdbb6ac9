"""Time spent waiting in a license's line, per day, over HTTP (issue 21)."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from licenses import services
from licenses.models import SeatWait
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def test_waits_per_day_with_percentiles_and_denials(store_kind, org_a, alice, bob, license_a):
    license_, key = license_a(seats=1, queue_enabled=True)
    services.session_acquire(license_key=key, hardware_id="holder")
    queued = services.session_acquire(license_key=key, hardware_id="w1", wait=True)
    assert services.queue_cancel(license_key=key, ticket=queued.ticket)
    with scopes_disabled():
        now = SeatWait.objects.get(license_id=license_.id).at
        for seconds in (1, 2, 3, 4, 100):
            SeatWait.objects.create(
                org=org_a, license=license_, outcome="granted", waited=seconds, at=now
            )
        SeatWait.objects.create(
            org=org_a, license=license_, outcome="granted", waited=7, at=now - timedelta(days=1)
        )
    response = client_for(bob).get(f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/waits")
    assert response.status_code == 200
    days = response.json()["days"]
    assert [d["granted"] for d in days] == [1, 5]
    today = days[-1]
    assert today["cancelled"] == 1 and today["denials"] == 1
    assert (today["p50"], today["p95"], today["longest"]) == (3, 100, 100)
    assert days[0]["p50"] == days[0]["p95"] == 7
    one = client_for(bob).get(f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/waits?days=1")
    assert [d["granted"] for d in one.json()["days"]] == [5]


def test_an_outsider_cannot_read_waits(store_kind, org_a, license_a, charlie, org_b):
    license_, _ = license_a(seats=1)
    url = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/waits"
    assert client_for(charlie).get(url).status_code == 404
    other = f"/api/v1/orgs/{org_b.slug}/licenses/{license_.id}/waits"
    assert client_for(charlie).get(other).status_code == 404
