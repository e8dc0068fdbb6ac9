"""Fixtures of the license administration tests."""

import uuid

import pytest
from django_scopes import scope

from core.actor import Actor
from licenses.api.throttles import AcquireIpThrottle, AcquireKeyThrottle
from licenses.services import license_create


@pytest.fixture(autouse=True)
def acquire_limits_out_of_the_way(monkeypatch):
    """Throttle counters outlive a test in the shared cache; only the throttle tests,
    which pin their own rates, should ever meet them."""
    monkeypatch.setattr(AcquireIpThrottle, "rate", "1000000/min")
    monkeypatch.setattr(AcquireKeyThrottle, "rate", "1000000/min")


@pytest.fixture
def license_a(org_a):
    """``license_a(seats=2, **fields)``: a license of org A and its key."""

    def make(seats: int = 2, **fields):
        with scope(org=org_a):
            return license_create(
                org=org_a,
                name=fields.pop("name", f"A-{uuid.uuid4().hex[:4]}"),
                seats_total=seats,
                **fields,
                actor=Actor.system_named("tests"),
            )

    return make
