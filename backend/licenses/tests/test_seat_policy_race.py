"""Seat policies under racing acquirers, through real HTTP against gunicorn (several
processes), on each seat store."""

from collections import Counter

import pytest
from django_scopes import scope, scopes_disabled

from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from projects.models import Project
from tests.fixtures.concurrency import race
from tests.fixtures.servers import LiveServer

pytestmark = [pytest.mark.sqlite, pytest.mark.server]


@pytest.fixture
def apollo(org):
    with scope(org=org):
        return Project.objects.create(org=org, name="Apollo", slug="apollo")


def race_acquires(server: LiveServer, key: str, count: int, project_of=lambda i: "") -> list:
    with server.racing_client(count) as client:

        def acquire(i: int) -> tuple[int, bool, str]:
            body = {"license_key": key, "hardware_id": f"machine-{i}"}
            if project := project_of(i):
                body["project"] = project
            response = client.post("/api/v1/licenses/acquire", json=body)
            return response.status_code, response.json().get("overage", False), project

        return race(acquire, count)


def live(license_, **filters) -> int:
    with scopes_disabled():
        return LicenseSession.objects.filter(license=license_, status="active", **filters).count()


def test_100_acquirers_on_10_seats_with_50_percent_overage_get_15_5_marked(
    live_api, store_kind, make_license
):
    license_, key = make_license(seats=10, overage_kind="percent", overage_value=50)
    results = race_acquires(live_api, key, 100)
    codes = Counter(code for code, _, _ in results)
    assert sorted(codes.items()) == [(201, 15), (409, 85)], live_api.errors()
    assert sum(overage for code, overage, _ in results if code == 201) == 5
    assert live(license_) == 15 == get_seat_store().count(str(license_.id))


def test_a_reserved_projects_members_get_their_seats_while_100_outsiders_race(
    live_api, store_kind, make_license, apollo
):
    rules = [{"project": apollo.id, "reserved": 3}]
    license_, key = make_license(seats=10, project_seats=rules)
    # Members are spread through the crowd, not first in line.
    members = {7, 50, 99}
    results = race_acquires(live_api, key, 103, lambda i: "apollo" if i in members else "")
    assert [results[i][0] for i in sorted(members)] == [201, 201, 201], live_api.errors()
    outsiders = Counter(code for i, (code, _, _) in enumerate(results) if i not in members)
    assert sorted(outsiders.items()) == [(201, 7), (409, 93)]
    assert live(license_, project=apollo) == 3 and live(license_) == 10


def test_a_capped_project_never_exceeds_its_cap(live_api, store_kind, make_license, apollo):
    rules = [{"project": apollo.id, "cap": 4}]
    license_, key = make_license(seats=30, project_seats=rules)
    results = race_acquires(live_api, key, 100, lambda i: "apollo" if i % 5 else "")
    granted = Counter(project for code, _, project in results if code == 201)
    assert granted == {"apollo": 4, "": 20}, live_api.errors()
    assert live(license_, project=apollo) == 4
