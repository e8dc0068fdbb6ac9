import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scope

from audit.models import AuditEvent
from core.secrets import new_secret, secret_digest
from tenants.models import ApiToken, Membership
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def url(org) -> str:
    return f"/api/v1/orgs/{org.slug}/audit-events"


def at(org, event_id, moment: datetime) -> None:
    with scope(org=org):
        AuditEvent.objects.filter(id=event_id).update(created_at=moment)


@pytest.fixture
def history(org_a, alice, bob):
    """Four changes through the API, an hour apart: (org.update, member.role_change,
    invitation.create, member.remove), oldest first."""
    api = client_for(alice)
    assert api.patch("/api/v1/orgs/org-a", {"name": "Org Alpha"}, format="json").status_code == 200
    assert (
        api.patch(f"/api/v1/orgs/org-a/members/{bob.id}", {"role": "admin"}, format="json")
    ).status_code == 200
    assert (
        api.post(
            "/api/v1/orgs/org-a/invitations",
            {"email": "new@example.com", "role": "member"},
            format="json",
        )
    ).status_code == 201
    # Bob (now admin) leaves.
    assert client_for(bob).delete(f"/api/v1/orgs/org-a/members/{bob.id}").status_code == 204
    with scope(org=org_a):
        events = list(AuditEvent.objects.order_by("created_at"))
    assert [e.action for e in events] == [
        "org.update",
        "member.role_change",
        "invitation.create",
        "member.remove",
    ]
    for hours, event in enumerate(events):
        at(org_a, event.id, T0 + timedelta(hours=hours))
    return [str(e.id) for e in events]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["id"] for e in response.json()["results"]]


def test_it_lists_events_newest_first_with_their_details(org_a, alice, bob, history):
    response = client_for(alice).get(url(org_a))
    assert ids(response) == history[::-1]
    body = response.json()
    assert body["count"] == 4
    role_change = body["results"][2]
    # The request's id (django-guid), as in its log lines.
    assert len(role_change.pop("request_id")) == 32
    assert role_change == {
        "id": history[1],
        "actor": {"id": str(alice.id), "email": "alice@a.example"},
        "actor_token": None,
        "actor_system": "",
        "action": "member.role_change",
        "target_type": "users.user",
        "target_id": str(bob.id),
        "target_name": "bob@a.example",
        "target_exists": True,
        "before": {"email": "bob@a.example", "role": "member"},
        "after": {"email": "bob@a.example", "role": "admin"},
        "ip_address": "127.0.0.1",
        "created_at": "2026-01-01T13:00:00Z",
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("action=member.role_change", [1]),
        ("action=member.remove", [3]),
        ("action=nothing.like.this", []),
        ("target_type=users.user", [3, 1]),
        ("target_type=tenants.organization", [0]),
        ("since=2026-01-01T13:00:00Z", [3, 2, 1]),
        ("until=2026-01-01T13:00:00Z", [0]),
        ("since=2026-01-01T13:00:00Z&until=2026-01-01T15:00:00Z", [2, 1]),
        ("since=2026-01-01T14:00:00%2B01:00", [3, 2, 1]),
        ("since=2026-01-01T15:00:01Z", []),
        ("target_type=users.user&since=2026-01-01T14:00:00Z", [3]),
    ],
)
def test_it_filters_events_exactly(org_a, alice, history, query, expected):
    response = client_for(alice).get(f"{url(org_a)}?{query}")
    assert ids(response) == [history[i] for i in expected]


def test_it_filters_by_actor_and_target_id(org_a, alice, bob, history):
    api = client_for(alice)
    assert ids(api.get(f"{url(org_a)}?actor={alice.id}")) == [history[i] for i in (2, 1, 0)]
    assert ids(api.get(f"{url(org_a)}?actor={bob.id}")) == [history[3]]
    assert ids(api.get(f"{url(org_a)}?actor={uuid.uuid4()}")) == []
    assert ids(api.get(f"{url(org_a)}?target_id={bob.id}")) == [history[3], history[1]]
    assert ids(api.get(f"{url(org_a)}?target_id={org_a.id}&action=org.update")) == [history[0]]


@pytest.mark.parametrize("query, field", [("since=yesterday", "since"), ("actor=bob", "actor")])
def test_bad_filters_are_a_400(org_a, alice, query, field):
    response = client_for(alice).get(f"{url(org_a)}?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]


def test_an_api_tokens_change_shows_the_token_as_actor(org_a, alice, bob):
    raw = new_secret("cot_")
    with scope(org=org_a):
        token = ApiToken.objects.create(
            org=org_a, name="deploy bot", role="admin", prefix=raw[:8], digest=secret_digest(raw)
        )
    bot = client_for(api_token=raw)
    patched = bot.patch(f"/api/v1/orgs/org-a/members/{bob.id}", {"role": "viewer"}, format="json")
    assert patched.status_code == 200
    listed = bot.get(url(org_a)).json()["results"]
    assert [(e["actor"], e["actor_token"]) for e in listed] == [
        (None, {"id": str(token.id), "name": "deploy bot"})
    ]


@pytest.mark.parametrize(
    "role, expected", [("viewer", 403), ("member", 403), ("admin", 200), ("owner", 200)]
)
def test_only_admins_and_owners_read_the_audit_log(org_a, bob, role, expected):
    with scope(org=org_a):
        Membership.objects.filter(user=bob).update(role=role)
    assert client_for(bob).get(url(org_a)).status_code == expected


def test_pages_hold_at_most_200_events(org_a, alice):
    with scope(org=org_a):
        AuditEvent.objects.bulk_create(
            AuditEvent(org=org_a, action="bulk", target_type="t", target_id=str(i))
            for i in range(205)
        )
    api = client_for(alice)
    first = api.get(f"{url(org_a)}?page_size=500").json()
    assert first["count"] == 205 and len(first["results"]) == 200 and first["next"]
    assert len(api.get(f"{url(org_a)}?page_size=500&page=2").json()["results"]) == 5
    assert len(api.get(url(org_a)).json()["results"]) == 50


def test_charlie_reads_nothing_of_org_a(org_a, org_b, charlie, history):
    api = client_for(charlie)
    assert api.get(url(org_a)).status_code == 404
    assert api.get(f"{url(org_a)}?action=org.update").status_code == 404
    assert ids(api.get(url(org_b))) == []


def test_a_command_is_named_as_the_actor(db):
    """No one is signed in at a terminal: the audit row names the command that acted."""
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from audit.models import AuditEvent

    call_command("create_license", "--org", "cli-org", "--name", "CI", "--seats", "2", "--json")
    with scopes_disabled():
        event = AuditEvent.objects.get(action="license.create", org__slug="cli-org")
    assert (event.actor, event.actor_token) == (None, None)
    assert event.actor_system == "command:create_license"


def test_events_name_their_targets_and_say_whether_they_still_exist(org_a, alice):
    api = client_for(alice)
    created = api.post(
        "/api/v1/orgs/org-a/licenses", {"name": "Studio floating", "seats_total": 2}, format="json"
    )
    assert created.status_code == 201, created.content
    license_id = created.json()["license"]["id"]
    assert (
        api.patch(
            f"/api/v1/orgs/org-a/licenses/{license_id}", {"name": "Studio renamed"}, format="json"
        ).status_code
        == 200
    )
    events = {e["action"]: e for e in api.get(url(org_a)).json()["results"]}
    # The name at the time of each event; the license is still there.
    assert events["license.create"]["target_name"] == "Studio floating"
    assert events["license.update"]["target_name"] == "Studio renamed"
    assert events["license.create"]["target_exists"] is True

    assert api.delete(f"/api/v1/orgs/org-a/licenses/{license_id}").status_code == 204
    events = {e["action"]: e for e in api.get(url(org_a)).json()["results"]}
    assert events["license.create"]["target_name"] == "Studio floating"  # kept in the event
    assert events["license.create"]["target_exists"] is False
    assert events["license.delete"]["target_exists"] is False
