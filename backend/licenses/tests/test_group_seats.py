"""Reservations and caps per group of people (issue #22): a license's seat rules name
groups beside projects; a person's own acquire counts against the first group rule
holding them, a license-key acquire never does; the seat row keeps its real project;
a Redis rebuild keeps each group's count."""

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from licenses.models import LicenseSession
from licenses.tests.helpers import acquire
from projects.models import Project
from tenants.models import Membership, PersonGroup, PersonGroupMember
from tests.fixtures.stores import use_store
from tests.fixtures.world import client_for, new_user
from users.services import token_pair_issue

pytestmark = pytest.mark.sqlite


def group_of(org, slug, *people):
    with scope(org=org):
        group = PersonGroup.objects.create(org=org, name=slug.title(), slug=slug)
        for person in people:
            PersonGroupMember.objects.create(org=org, group=group, user=person)
    return group


@pytest.fixture
def carol(org_a):
    user = new_user("carol@a.example")
    with scope(org=org_a):
        Membership.objects.create(org=org_a, user=user, role="member")
    return user


@pytest.fixture
def apollo(org_a):
    with scope(org=org_a):
        return Project.objects.create(org=org_a, name="Apollo", slug="apollo")


def person_acquire(user, license_, hwid: str = "laptop"):
    access = token_pair_issue(user=user, kind="device", device_info={"hostname": hwid})["access"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.post(
        "/api/v1/licenses/acquire",
        {"hardware_id": hwid, "license_id": str(license_.id)},
        format="json",
    )


def session_of(reply) -> LicenseSession:
    with scopes_disabled():
        return LicenseSession.objects.get(id=reply.json()["session_id"])


# Rules -------------------------------------------------------------------------


def licenses_url(org, license_id=None):
    base = f"/api/v1/orgs/{org.slug}/licenses"
    return f"{base}/{license_id}" if license_id else base


def test_an_admin_names_groups_beside_projects_and_project_rules_read_as_before(
    org_a, alice, bob, apollo
):
    design = group_of(org_a, "design", bob)
    api = client_for(alice)
    rules = [
        {"project": str(apollo.id), "reserved": 2},
        {"group": str(design.id), "reserved": 3, "cap": 5},
    ]
    reply = api.post(
        licenses_url(org_a), {"name": "E", "seats_total": 10, "project_seats": rules}, format="json"
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["license"]["project_seats"] == [
        {"project": str(apollo.id), "slug": "apollo", "reserved": 2, "cap": None},
        {"group": str(design.id), "slug": "design", "reserved": 3, "cap": 5},
    ]


def test_reservations_of_projects_and_groups_add_up_to_at_most_seats_total(org_a, alice, apollo):
    design = group_of(org_a, "design")
    api = client_for(alice)
    rules = [
        {"project": str(apollo.id), "reserved": 2},
        {"group": str(design.id), "reserved": 3},
    ]
    reply = api.post(
        licenses_url(org_a), {"name": "E", "seats_total": 4, "project_seats": rules}, format="json"
    )
    assert reply.status_code == 400
    message = reply.json()["error"]["details"]["fields"]["project_seats"][0]
    assert "5 seats" in message and "group design (3)" in message
    created = api.post(
        licenses_url(org_a), {"name": "E", "seats_total": 5, "project_seats": rules}, format="json"
    ).json()["license"]
    # Lowering seats_total tells the admin which reservations break.
    lowered = api.patch(licenses_url(org_a, created["id"]), {"seats_total": 4}, format="json")
    assert lowered.status_code == 400
    assert "group design (3)" in lowered.json()["error"]["details"]["fields"]["project_seats"][0]


def test_a_group_of_another_organization_and_a_rule_naming_both_are_refused(
    org_a, org_b, alice, apollo
):
    foreign = group_of(org_b, "theirs")
    mine = group_of(org_a, "mine")
    api = client_for(alice)
    for rule in (
        {"group": str(foreign.id), "reserved": 1},
        {"group": str(mine.id), "project": str(apollo.id), "reserved": 1},
        {"reserved": 1},
        {"group": str(mine.id), "reserved": 2, "cap": 1},
    ):
        reply = api.post(
            licenses_url(org_a),
            {"name": "E", "seats_total": 4, "project_seats": [rule]},
            format="json",
        )
        assert reply.status_code == 400, rule
        assert "project_seats" in reply.json()["error"]["details"]["fields"]


def test_a_renamed_group_keeps_its_rules_and_a_deleted_ones_go(org_a, alice, license_a):
    design = group_of(org_a, "design")
    license_, _ = license_a(seats=4, project_seats=[{"group": design.id, "reserved": 2}])
    api = client_for(alice)
    api.patch(f"/api/v1/orgs/{org_a.slug}/groups/{design.id}", {"slug": "ux"}, format="json")
    with scope(org=org_a):
        license_.refresh_from_db()
        assert license_.project_seats[0]["slug"] == "ux"
    api.delete(f"/api/v1/orgs/{org_a.slug}/groups/{design.id}")
    with scope(org=org_a):
        license_.refresh_from_db()
    assert license_.project_seats == []


# Which seat count ----------------------------------------------------------------


def test_a_persons_seat_counts_against_their_group_and_the_row_keeps_the_project(
    store_kind, org_a, bob, carol, apollo, license_a
):
    design = group_of(org_a, "design", bob)
    license_, _ = license_a(seats=5, project=apollo, project_seats=[{"group": design.id, "cap": 1}])
    first = person_acquire(bob, license_, "bob-1")
    assert first.status_code == 201, first.content
    session = session_of(first)
    assert session.project_id == apollo.id and session.group_id == design.id
    refused = person_acquire(bob, license_, "bob-2")
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["reason"] == "project_cap_reached"
    # Carol is in no group: her seat counts against the license's project.
    other = person_acquire(carol, license_, "carol-1")
    assert other.status_code == 201
    assert session_of(other).group_id is None and session_of(other).project_id == apollo.id


def test_the_admins_session_list_names_the_group_a_seat_counted_against(
    org_a, alice, bob, carol, license_a
):
    design = group_of(org_a, "design", bob)
    license_, _ = license_a(seats=5, project_seats=[{"group": design.id, "cap": 2}])
    assert person_acquire(bob, license_, "bob-1").status_code == 201
    assert person_acquire(carol, license_, "carol-1").status_code == 201
    listed = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions").json()["results"]
    groups = {row["person"]["email"]: (row["group"], row["group_name"]) for row in listed}
    assert groups == {bob.email: (str(design.id), "Design"), carol.email: (None, None)}
    # One query for the page, whatever the groups: the group comes with each row.
    with CaptureQueriesContext(connection) as page:
        client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions")
    assert person_acquire(bob, license_, "bob-2").status_code == 201
    with CaptureQueriesContext(connection) as bigger:
        client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions")
    assert len(bigger) == len(page)


def test_the_first_group_rule_holding_the_person_wins(store_kind, org_a, bob, license_a):
    everyone, small = group_of(org_a, "everyone", bob), group_of(org_a, "small", bob)
    license_, _ = license_a(
        seats=5,
        project_seats=[{"group": small.id, "cap": 1}, {"group": everyone.id, "cap": 5}],
    )
    assert session_of(person_acquire(bob, license_, "bob-1")).group_id == small.id
    assert person_acquire(bob, license_, "bob-2").status_code == 409


def test_machines_never_take_a_groups_reserved_seats(store_kind, org_a, bob, carol, license_a):
    design = group_of(org_a, "design", bob, carol)
    license_, key = license_a(seats=3, project_seats=[{"group": design.id, "reserved": 2}])
    assert [acquire(key, f"ci-{i}").status_code for i in range(2)] == [201, 409]
    reply = acquire(key, "ci-9")
    assert reply.json()["error"]["details"]["reason"] == "seats_reserved"
    assert person_acquire(bob, license_, "bob-1").status_code == 201
    assert person_acquire(carol, license_, "carol-1").status_code == 201
    with scopes_disabled():
        assert LicenseSession.objects.filter(license=license_, group__isnull=True).count() == 1


def test_a_person_taken_out_of_the_group_counts_elsewhere_next_time(
    store_kind, org_a, alice, bob, license_a
):
    design = group_of(org_a, "design", bob)
    license_, _ = license_a(seats=3, project_seats=[{"group": design.id, "cap": 1}])
    assert person_acquire(bob, license_, "bob-1").status_code == 201
    client_for(alice).delete(f"/api/v1/orgs/{org_a.slug}/groups/{design.id}/members/{bob.id}")
    reply = person_acquire(bob, license_, "bob-2")
    assert reply.status_code == 201 and session_of(reply).group_id is None


def _member_reads(queries) -> int:
    table = PersonGroupMember._meta.db_table
    return sum(table in q["sql"] for q in queries.captured_queries)


def test_a_persons_groups_cost_one_query_and_none_without_group_rules(
    store_kind, org_a, bob, apollo, license_a
):
    design = group_of(org_a, "design", bob)
    plain, _ = license_a(seats=5, project_seats=[{"project": apollo.id, "reserved": 1}])
    grouped, _ = license_a(seats=5, project_seats=[{"group": design.id, "reserved": 1}])
    with CaptureQueriesContext(connection) as queries:
        assert person_acquire(bob, plain, "bob-1").status_code == 201
    assert _member_reads(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert person_acquire(bob, grouped, "bob-1").status_code == 201
    assert _member_reads(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_flush_keeps_each_groups_count(private_redis, org_a, bob, carol, license_a):
    use_store("redis", private_redis)
    design = group_of(org_a, "design", bob)
    license_, _ = license_a(seats=5, project_seats=[{"group": design.id, "cap": 2}])
    for hwid in ("bob-1", "bob-2"):
        assert person_acquire(bob, license_, hwid).status_code == 201
    redis.Redis.from_url(private_redis).flushall()
    refused = person_acquire(bob, license_, "bob-3")
    assert refused.status_code == 409, refused.content
    assert refused.json()["error"]["details"]["reason"] == "project_cap_reached"
    assert person_acquire(carol, license_, "carol-1").status_code == 201
