"""License administration over HTTP: create, list, filter, read, update, delete, audit."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from licenses.models import License
from licenses.tests.helpers import acquire
from projects.models import Project
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def url(org, license_=None, action=""):
    base = f"/api/v1/orgs/{org.slug}/licenses"
    if license_ is None:
        return base
    return f"{base}/{license_.id}" + (f"/{action}" if action else "")


def audit_trail(org):
    with scope(org=org):
        return list(
            AuditEvent.objects.order_by("created_at").values_list("action", "before", "after")
        )


def test_an_admin_creates_a_license_and_sees_its_key_once(org_a, alice):
    api = client_for(alice)
    response = api.post(
        url(org_a), {"name": "Engineering", "seats_total": 5, "heartbeat_ttl": 90}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    key, license_ = body["license_key"], body["license"]
    assert key.startswith("lic_") and license_["key_prefix"] == key[:12]
    assert license_ | {"id": None, "created_at": None, "updated_at": None} == {
        "id": None,
        "name": "Engineering",
        "key_prefix": key[:12],
        "status": "active",
        "kind": "floating",
        "seats_total": 5,
        "seats_used": 0,
        "expires_at": None,
        "heartbeat_ttl": 90,
        "heartbeat_interval": 30,
        "offline_grace": 86400,
        "queue_enabled": False,
        "queue_max_length": 100,
        "queue_ticket_ttl": 60,
        "max_borrow_hours": 168,
        "max_borrowed_seats": 0,
        "is_active": True,
        "is_suspended": False,
        "project": None,
        "overage_kind": "none",
        "overage_value": 0,
        "overage_allowance": 0,
        "seats_over": 0,
        "project_seats": [],
        "grace_days": 0,
        "grace_ends_at": None,
        "in_grace": False,
        "assignment": "open",
        "max_machines_per_person": None,
        "person_limit_action": "refuse",
        "created_at": None,
        "updated_at": None,
    }
    # The key is never shown again, nor stored, nor audited.
    again = api.get(url(org_a) + f"/{license_['id']}").json()
    assert key not in str(again)
    with scope(org=org_a):
        stored = License.objects.get(id=license_["id"])
    assert key not in (stored.key_digest, stored.key_prefix)
    [(action, before, after)] = audit_trail(org_a)
    assert action == "license.create" and before is None and after["seats_total"] == 5
    assert key not in str(after)
    assert acquire(key).status_code == 201


def test_a_license_can_belong_to_a_project_of_the_organization(org_a, org_b, alice):
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
    with scope(org=org_b):
        foreign = Project.objects.create(org=org_b, name="Theirs", slug="theirs")
    api = client_for(alice)
    made = api.post(
        url(org_a), {"name": "A", "seats_total": 1, "project": str(apollo.id)}, format="json"
    )
    assert made.status_code == 201 and made.json()["license"]["project"] == str(apollo.id)
    refused = api.post(
        url(org_a), {"name": "B", "seats_total": 1, "project": str(foreign.id)}, format="json"
    )
    assert refused.status_code == 400
    assert "project" in refused.json()["error"]["details"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "x"},
        {"name": "x", "seats_total": 0},
        {"name": "x", "seats_total": 1_000_001},
        {"name": "x", "seats_total": 1, "heartbeat_ttl": 1},
        {"name": "x", "seats_total": 1, "offline_grace": -1},
        {"name": "", "seats_total": 1},
        {"name": "x", "seats_total": "many"},
        {"name": "x", "seats_total": 1, "expires_at": "tomorrow"},
    ],
)
def test_bad_license_input_is_a_400_with_field_errors(org_a, alice, body):
    response = client_for(alice).post(url(org_a), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["fields"]
    with scope(org=org_a):
        assert not License.objects.exists()


def test_the_list_carries_seats_in_use_without_a_query_per_license(
    org_a, alice, license_a, store_kind
):
    made = [license_a(seats=3) for _ in range(6)]
    for i, (_, key) in enumerate(made):
        for n in range(i % 3):
            assert acquire(key, f"m{n}").status_code == 201
    api = client_for(alice)

    def listed(page_size: int):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url(org_a), {"page_size": page_size})
        assert response.status_code == 200
        return response.json(), len(queries)

    body, queries_for_six = listed(6)
    assert body["count"] == 6
    used = {item["id"]: item["seats_used"] for item in body["results"]}
    assert used == {str(lic.id): i % 3 for i, (lic, _) in enumerate(made)}
    # The seat counts of a page come in one go: six licenses cost what one costs.
    assert listed(1)[1] == queries_for_six


def test_the_list_filters_by_status_project_expiry_and_search(org_a, alice, license_a):
    now = timezone.now()
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
    active, active_key = license_a(name="Build farm", project=apollo)
    license_a(name="Soon", expires_at=now + timedelta(days=3))
    license_a(name="Later", expires_at=now + timedelta(days=60))
    expired, _ = license_a(name="Old", expires_at=now + timedelta(days=1))
    suspended, _ = license_a(name="Paused")
    inactive, _ = license_a(name="Off")
    with scopes_disabled():
        License.objects.filter(id=expired.id).update(expires_at=now - timedelta(days=1))
        License.objects.filter(id=suspended.id).update(is_suspended=True)
        License.objects.filter(id=inactive.id).update(is_active=False)
    api = client_for(alice)

    def names(**query):
        response = api.get(url(org_a), query)
        assert response.status_code == 200, response.json()
        return {item["name"] for item in response.json()["results"]}

    assert names(status="active") == {"Build farm", "Soon", "Later"}
    assert names(status="expired") == {"Old"}
    assert names(status="suspended") == {"Paused"}
    assert names(status="inactive") == {"Off"}
    assert names(project=str(apollo.id)) == {"Build farm"}
    assert names(expiring_before=(now + timedelta(days=7)).isoformat()) == {"Soon", "Old"}
    assert names(search="farm") == {"Build farm"}
    assert names(search=active.key_prefix) == {"Build farm"}
    assert names(search=active_key) == {"Build farm"}  # a pasted key, by its prefix
    statuses = {i["name"]: i["status"] for i in api.get(url(org_a)).json()["results"]}
    assert statuses["Old"] == "expired" and statuses["Off"] == "inactive"
    assert api.get(url(org_a), {"status": "nope"}).status_code == 400
    assert api.get(url(org_a), {"expiring_before": "soon"}).status_code == 400


def test_the_list_is_paginated(org_a, alice, license_a):
    for _ in range(5):
        license_a()
    page = client_for(alice).get(url(org_a), {"page_size": 2, "page": 3}).json()
    assert page["count"] == 5 and len(page["results"]) == 1 and page["next"] is None


def test_an_admin_updates_a_license_and_it_is_audited(org_a, alice, license_a):
    license_, _ = license_a(seats=2)
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
    expires = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    response = client_for(alice).patch(
        url(org_a, license_),
        {
            "name": "Renamed",
            "seats_total": 7,
            "expires_at": expires.isoformat(),
            "heartbeat_ttl": 60,
            "offline_grace": 0,
            "project": str(apollo.id),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["seats_total"], body["heartbeat_ttl"]) == ("Renamed", 7, 60)
    assert body["offline_grace"] == 0 and body["project"] == str(apollo.id)
    with scope(org=org_a):
        stored = License.objects.get(id=license_.id)
    assert stored.expires_at == expires and stored.project_id == apollo.id
    action, before, after = audit_trail(org_a)[-1]
    assert action == "license.update"
    assert before["seats_total"] == 2 and after["seats_total"] == 7
    assert after["project"] == str(apollo.id) and after["expires_at"] == expires.isoformat()
    cleared = client_for(alice).patch(
        url(org_a, license_), {"project": None, "expires_at": None}, format="json"
    )
    assert cleared.json()["project"] is None and cleared.json()["expires_at"] is None


def test_a_bad_update_changes_nothing(org_a, alice, license_a):
    license_, _ = license_a(seats=2)
    api = client_for(alice)
    for body in ({}, {"key_prefix": "x"}, {"seats_total": 0}, {"heartbeat_ttl": 100_000}):
        assert api.patch(url(org_a, license_), body, format="json").status_code == 400
    with scope(org=org_a):
        assert License.objects.get(id=license_.id).seats_total == 2
    assert [a for a, *_ in audit_trail(org_a)] == ["license.create"]


def test_get_answers_one_license(org_a, alice, bob, license_a):
    license_, _ = license_a(seats=4)
    for user in (alice, bob):
        body = client_for(user).get(url(org_a, license_)).json()
        assert body["id"] == str(license_.id) and body["seats_total"] == 4
    assert client_for(alice).get(url(org_a) + "/" + "0" * 32).status_code == 404


def test_anonymous_callers_get_401(org_a, license_a):
    license_, _ = license_a()
    assert client_for().get(url(org_a)).status_code == 401
    assert client_for().post(url(org_a, license_, "suspend")).status_code == 401
