"""Denials listed with who and where, and CSV exports of a window (streamed)."""

import csv
import io

import pytest
from django_scopes import scope

from core.actor import Actor
from licenses import services
from licenses.tests.helpers import acquire
from tests.fixtures.world import client_for
from users.services import token_pair_issue

pytestmark = pytest.mark.sqlite


def person_acquire(user, license_id: str, hwid: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_issue(user=user)['access']}")
    body = {"license_id": license_id, "hardware_id": hwid, "client_info": {"hostname": hwid}}
    return client.post("/api/v1/licenses/acquire", body, format="json")


def test_denials_name_who_was_refused_and_on_which_license(
    store_kind, org_a, alice, bob, license_a
):
    license_, key = license_a(seats=1, name="Studio")
    assert person_acquire(bob, str(license_.id), "bob-laptop").status_code == 201
    assert acquire(key, "ci-runner").status_code == 409
    assert person_acquire(alice, str(license_.id), "alice-laptop").status_code == 409
    reply = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/analytics/denials")
    assert reply.status_code == 200
    rows = reply.json()["results"]
    assert [(r["license_name"], r["person"] and r["person"]["email"]) for r in rows] == [
        ("Studio", alice.email),
        ("Studio", None),
    ]


def test_an_outsider_sees_no_denials_and_no_export(store_kind, org_a, org_b, charlie):
    assert (
        client_for(charlie).get(f"/api/v1/orgs/{org_a.slug}/analytics/denials").status_code == 404
    )
    assert (
        client_for(charlie).get(f"/api/v1/orgs/{org_a.slug}/exports/sessions.csv").status_code
        == 404
    )


def test_the_sessions_export_streams_csv_of_the_window(store_kind, org_a, alice, bob, license_a):
    license_, key = license_a(seats=3, name="Studio")
    person_acquire(bob, str(license_.id), "bob-laptop")
    acquire(key, "ci-runner")
    reply = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/exports/sessions.csv")
    assert reply.status_code == 200 and reply.streaming
    assert reply["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(reply.streaming_content).decode())))
    assert sorted((r["hostname"], r["person_email"]) for r in rows) == [
        ("", ""),
        ("bob-laptop", bob.email),
    ]
    assert {r["license"] for r in rows} == {"Studio"}


def test_audit_export_needs_the_audit_role(store_kind, org_a, alice, bob, license_a):
    license_, _ = license_a()
    with scope(org=org_a):
        services.assignment_add(license_=license_, user=bob, actor=Actor.system_named("tests"))
    assert client_for(bob).get(f"/api/v1/orgs/{org_a.slug}/exports/audit.csv").status_code == 403
    reply = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/exports/audit.csv")
    text = b"".join(reply.streaming_content).decode()
    assert "license.assign" in text
    assert client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/exports/nope.csv").status_code == 404
