"""A license's overage and reservation use, by day, over HTTP."""

import time

import pytest
from django_scopes import scope

from core.actor import Actor
from licenses import services
from licenses.models import LicenseSession
from licenses.tests.helpers import end as release_seat
from projects.models import Project
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def test_overage_seat_hours_and_peak_and_project_use(org_a, alice, charlie):
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
        license_, key = services.license_create(
            org=org_a,
            name="Eng",
            seats_total=2,
            overage_kind="seats",
            overage_value=2,
            project_seats=[{"project": apollo.id, "reserved": 1, "cap": 2}],
            actor=Actor.system_named("tests"),
        )
    seats = [
        services.session_acquire(license_key=key, hardware_id=f"m{i}", project=p)
        for i, p in enumerate(["apollo", "", "", ""])
    ]
    assert [s.overage for s in seats] == [False, False, True, True]
    time.sleep(0.2)
    release_seat(seats[3])
    time.sleep(0.2)
    release_seat(seats[2])
    with scope(org=org_a):
        rows = {
            s.id: s for s in LicenseSession.objects.filter(id__in=[x.session.id for x in seats])
        }
    third, fourth = rows[seats[2].session.id], rows[seats[3].session.id]
    # Past seats_total: the third seat while it was held, and the fourth.
    expected = (
        (third.ended_at - third.started_at).total_seconds()
        + (fourth.ended_at - fourth.started_at).total_seconds()
    ) / 3600

    url = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/policy-use"
    body = client_for(alice).get(url).json()
    assert body["overage_peak"] == 2 and body["overage_allowance"] == 2
    assert body["overage_seat_hours"] == pytest.approx(expected, rel=1e-3)
    assert sum(d["seat_hours"] for d in body["overage_days"]) == pytest.approx(expected, rel=1e-3)
    [project] = body["projects"]
    assert (project["slug"], project["reserved"], project["cap"]) == ("apollo", 1, 2)
    assert project["peak_in_use"] == 1
    assert client_for(charlie).get(url).status_code == 404


def test_a_group_rule_counts_its_peoples_seats_and_the_project_rule_the_rest(org_a, alice, bob):
    """A person's seat counts against their group's rule, not against the project the
    session also records; a license-key seat of the project counts against the project."""
    from licenses.tests.helpers import person_acquire
    from tenants.models import PersonGroup, PersonGroupMember
    from users.services import token_pair_issue

    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
        design = PersonGroup.objects.create(org=org_a, name="Design", slug="design")
        PersonGroupMember.objects.create(org=org_a, group=design, user=bob)
        license_, key = services.license_create(
            org=org_a,
            name="Eng",
            seats_total=5,
            project=apollo,
            project_seats=[
                {"group": design.id, "reserved": 2},
                {"project": apollo.id, "reserved": 1},
            ],
            actor=Actor.system_named("tests"),
        )
    access = token_pair_issue(user=bob, kind="device", device_info={"hostname": "b"})["access"]
    for hwid in ("b1", "b2"):
        assert person_acquire(access, hwid, license_id=str(license_.id)).status_code == 201
    services.session_acquire(license_key=key, hardware_id="ci")
    url = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/policy-use"
    body = client_for(alice).get(url).json()
    by_slug = {(p["group"] is not None, p["slug"]): p for p in body["projects"]}
    assert by_slug[(True, "design")]["peak_in_use"] == 2
    assert by_slug[(True, "design")]["group"] == str(design.id)
    assert by_slug[(False, "apollo")]["peak_in_use"] == 1
    assert by_slug[(False, "apollo")]["project"] == str(apollo.id)
