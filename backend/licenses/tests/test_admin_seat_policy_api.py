"""An admin's seat policy over HTTP: overage, reservations and caps per project, a
lower seats_total, the grace period and renewal."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from audit.models import AuditEvent
from licenses.tests.helpers import acquire
from projects.models import Project
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def url(org, license_id=None, action=""):
    base = f"/api/v1/orgs/{org.slug}/licenses"
    if license_id is None:
        return base
    return f"{base}/{license_id}" + (f"/{action}" if action else "")


@pytest.fixture
def apollo(org_a):
    with scope(org=org_a):
        return Project.objects.create(org=org_a, name="Apollo", slug="apollo")


@pytest.fixture
def gemini(org_a):
    with scope(org=org_a):
        return Project.objects.create(org=org_a, name="Gemini", slug="gemini")


def create(api, org, **fields):
    response = api.post(url(org), {"name": "Eng", "seats_total": 10, **fields}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_admin_sets_overage_reservations_and_caps(org_a, alice, apollo, gemini):
    api = client_for(alice)
    body = create(
        api,
        org_a,
        seats_total=25,
        overage_kind="percent",
        overage_value=25,
        project_seats=[
            {"project": str(apollo.id), "reserved": 5},
            {"project": str(gemini.id), "cap": 8},
        ],
    )
    lic = body["license"]
    assert lic["overage_allowance"] == 6
    assert lic["project_seats"] == [
        {"project": str(apollo.id), "slug": "apollo", "reserved": 5, "cap": None},
        {"project": str(gemini.id), "slug": "gemini", "reserved": 0, "cap": 8},
    ]
    changed = api.patch(
        url(org_a, lic["id"]), {"overage_kind": "seats", "overage_value": 3}, format="json"
    ).json()
    assert changed["overage_allowance"] == 3 and changed["project_seats"] == lic["project_seats"]
    off = api.patch(url(org_a, lic["id"]), {"overage_kind": "none"}, format="json").json()
    assert off["overage_allowance"] == 0 and off["overage_value"] == 0
    with scope(org=org_a):
        actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("license.update") == 2


def test_reservations_may_not_add_up_past_seats_total(org_a, alice, apollo, gemini):
    api = client_for(alice)
    response = api.post(
        url(org_a),
        {
            "name": "Eng",
            "seats_total": 4,
            "project_seats": [
                {"project": str(apollo.id), "reserved": 3},
                {"project": str(gemini.id), "reserved": 2},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["error"]["details"]["fields"]["project_seats"][0]
    assert "5 seats" in message and "apollo (3)" in message and "gemini (2)" in message


def test_lowering_seats_below_the_reservations_names_what_breaks(org_a, alice, apollo):
    api = client_for(alice)
    lic = create(api, org_a, project_seats=[{"project": str(apollo.id), "reserved": 6}])
    response = api.patch(url(org_a, lic["license"]["id"]), {"seats_total": 5}, format="json")
    assert response.status_code == 400
    assert "apollo (6)" in response.json()["error"]["details"]["fields"]["project_seats"][0]


@pytest.mark.parametrize(
    "fields",
    [
        {"overage_kind": "percent", "overage_value": 30},
        {"overage_kind": "seats", "overage_value": 0},
    ],
)
def test_an_overage_that_does_not_fit_is_refused(org_a, alice, fields):
    response = client_for(alice).post(
        url(org_a), {"name": "Eng", "seats_total": 4, **fields}, format="json"
    )
    assert "overage_value" in response.json()["error"]["details"]["fields"]


def test_a_cap_under_its_reservation_and_projects_of_others_are_refused(
    org_a, org_b, alice, apollo
):
    api = client_for(alice)
    rules = [{"project": str(apollo.id), "reserved": 3, "cap": 2}]
    assert (
        api.post(
            url(org_a), {"name": "E", "seats_total": 4, "project_seats": rules}, format="json"
        ).status_code
        == 400
    )
    with scope(org=org_b):
        foreign = Project.objects.create(org=org_b, name="X", slug="x")
    rules = [{"project": str(foreign.id), "reserved": 1}]
    assert (
        api.post(
            url(org_a), {"name": "E", "seats_total": 4, "project_seats": rules}, format="json"
        ).status_code
        == 400
    )


def test_lowering_seats_below_use_keeps_sessions_and_reports_the_excess(org_a, alice):
    api = client_for(alice)
    body = create(api, org_a, seats_total=7)
    key, lic = body["license_key"], body["license"]
    assert all(acquire(key, f"m{i}").status_code == 201 for i in range(7))
    lowered = api.patch(url(org_a, lic["id"]), {"seats_total": 5}, format="json").json()
    assert (lowered["seats_total"], lowered["seats_used"], lowered["seats_over"]) == (5, 7, 2)
    assert acquire(key, "m0").status_code == 200
    assert acquire(key, "new").status_code == 409


def test_renewal_moves_expiry_later_and_is_audited(org_a, alice, bob):
    api = client_for(alice)
    soon = timezone.now() - timedelta(days=1)
    body = create(api, org_a, expires_at=soon.isoformat(), grace_days=7)
    lic = body["license"]
    assert lic["in_grace"] is True and lic["status"] == "active"
    later = (timezone.now() + timedelta(days=365)).isoformat()
    assert (
        client_for(bob)
        .post(url(org_a, lic["id"], "renew"), {"expires_at": later}, format="json")
        .status_code
        == 403
    )
    renewed = api.post(url(org_a, lic["id"], "renew"), {"expires_at": later}, format="json")
    assert renewed.status_code == 200 and renewed.json()["in_grace"] is False
    earlier = api.post(
        url(org_a, lic["id"], "renew"), {"expires_at": soon.isoformat()}, format="json"
    )
    assert earlier.status_code == 400
    with scope(org=org_a):
        event = AuditEvent.objects.get(action="license.renew")
    assert event.after == {"expires_at": renewed.json()["expires_at"].replace("Z", "+00:00")}


def test_charlie_cannot_renew_a_license_of_another_organization(org_a, alice, charlie):
    lic = create(client_for(alice), org_a)["license"]
    later = (timezone.now() + timedelta(days=30)).isoformat()
    response = client_for(charlie).post(
        url(org_a, lic["id"], "renew"), {"expires_at": later}, format="json"
    )
    assert response.status_code == 404
