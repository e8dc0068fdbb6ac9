"""Seat policies under racing acquirers, through real HTTP against gunicorn (several
processes), on each seat store: overage, and reservations and caps per project and per
group of people (people acquiring as themselves among machines with the key)."""

import uuid
from collections import Counter

import pytest
from django_scopes import scope, scopes_disabled

from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from projects.models import Project
from tenants.models import Membership, PersonGroup, PersonGroupMember
from tests.fixtures.concurrency import race
from tests.fixtures.servers import LiveServer
from tests.fixtures.world import new_user
from users.services import token_pair_issue

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


def people_in(org, count: int, prefix: str) -> dict[str, str]:
    """``count`` new members of ``org``: user id -> the access token their CLI signed
    in with."""
    people = [new_user(f"{prefix}-{i}-{uuid.uuid4().hex[:4]}@a.example") for i in range(count)]
    with scope(org=org):
        for person in people:
            Membership.objects.create(org=org, user=person, role="member")
    return {
        str(p.id): token_pair_issue(user=p, kind="device", device_info={"hostname": "box"})[
            "access"
        ]
        for p in people
    }


def group_with(org, people: dict[str, str]) -> PersonGroup:
    with scope(org=org):
        group = PersonGroup.objects.create(org=org, name="Design", slug="design")
        for user_id in people:
            PersonGroupMember.objects.create(org=org, group=group, user_id=user_id)
    return group


def race_mixed(
    server: LiveServer, key: str, license_id: str, askers: list[tuple[str, str]]
) -> list:
    """Every asker at once: ("key", hwid) acquires with the license key, (token, hwid)
    as that person."""
    with server.racing_client(len(askers)) as client:

        def acquire(i: int) -> int:
            token, hwid = askers[i]
            if token == "key":
                body, headers = {"license_key": key, "hardware_id": hwid}, {}
            else:
                body = {"license_id": license_id, "hardware_id": hwid}
                headers = {"Authorization": f"Bearer {token}"}
            return client.post("/api/v1/licenses/acquire", json=body, headers=headers).status_code

        return race(acquire, len(askers))


def test_a_reserved_groups_people_get_their_seats_while_outsiders_race(
    live_api, store_kind, make_license, org
):
    outsiders = people_in(org, 5, "outsider")
    members = people_in(org, 3, "designer")
    design = group_with(org, members)
    license_, key = make_license(seats=10, project_seats=[{"group": design.id, "reserved": 3}])
    askers = [("key", f"machine-{i}") for i in range(100)]
    askers += [(token, "laptop") for token in outsiders.values()]
    # The group's people are spread through the crowd, not first in line.
    for place, token in zip((7, 50, 99), members.values(), strict=True):
        askers.insert(place, (token, "laptop"))
    results = race_mixed(live_api, key, str(license_.id), askers)
    assert [results[i] for i in (7, 50, 99)] == [201, 201, 201], live_api.errors()
    others = Counter(code for i, code in enumerate(results) if i not in (7, 50, 99))
    assert sorted(others.items()) == [(201, 7), (409, 98)]
    assert live(license_, group=design) == 3 and live(license_) == 10


def test_a_capped_group_never_exceeds_its_cap(live_api, store_kind, make_license, org):
    members = people_in(org, 8, "designer")
    design = group_with(org, members)
    license_, key = make_license(seats=30, project_seats=[{"group": design.id, "cap": 4}])
    # Each of the group's people asks from two machines, among 20 machines by key.
    askers = [(token, f"laptop-{n}") for token in members.values() for n in range(2)]
    askers += [("key", f"machine-{i}") for i in range(20)]
    results = race_mixed(live_api, key, str(license_.id), askers)
    assert Counter(results[:16]) == {201: 4, 409: 12}, live_api.errors()
    assert Counter(results[16:]) == {201: 20}
    assert live(license_, group=design) == 4
