"""The webhook and notification-preference endpoints: admins manage endpoints, the
secret is shown once, members are refused, other organizations see nothing."""

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from licenses import services as license_services
from tenants.models import ApiToken
from tests.fixtures.world import client_for
from webhooks.models import NotificationPreference, WebhookEndpoint
from webhooks.tests.helpers import drain

ADMIN = Actor.system_named("tests")


def url(org, rest: str = "") -> str:
    return f"/api/v1/orgs/{org.slug}/webhooks{rest}"


def create(client, org, receiver, **body):
    return client.post(
        url(org),
        {"url": receiver.url, "event_types": ["license.*"], **body},
        format="json",
    )


def test_an_admin_creates_an_endpoint_and_sees_its_secret_once(org_a, alice, receiver):
    api = client_for(alice)
    created = create(api, org_a, receiver, description="ERP")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret_prefix"] == body["secret"][:10]
    listed = api.get(url(org_a)).json()
    assert [e["id"] for e in listed["results"]] == [body["id"]]
    assert "secret" not in listed["results"][0]
    got = api.get(url(org_a, f"/{body['id']}")).json()
    assert "secret" not in got and got["description"] == "ERP"
    with scopes_disabled():
        stored = WebhookEndpoint.objects.get()
    assert body["secret"] not in stored.secret_encrypted


def test_the_endpoint_delivers_what_it_subscribes_to(org_a, alice, receiver):
    secret = create(client_for(alice), org_a, receiver).json()["secret"]
    receiver.secrets.append(secret)
    with scope(org=org_a):
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    drain()
    assert receiver.types() == ["license.created"]
    assert receiver.received[0].payload["data"]["license"]["name"] == "L"


def test_unknown_event_types_and_bad_input_are_refused(org_a, alice, receiver):
    api = client_for(alice)
    refused = create(api, org_a, receiver, event_types=["license.exploded"])
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "unknown_event_type"
    assert create(api, org_a, receiver, event_types=[]).status_code == 400
    assert api.post(url(org_a), {"event_types": ["*"]}, format="json").status_code == 400


def test_change_disable_enable_and_delete(org_a, alice, receiver):
    api = client_for(alice)
    endpoint_id = create(api, org_a, receiver).json()["id"]
    changed = api.patch(
        url(org_a, f"/{endpoint_id}"),
        {"event_types": ["session.*", "member.added"], "is_enabled": False},
        format="json",
    ).json()
    assert changed["event_types"] == ["session.*", "member.added"]
    assert changed["is_enabled"] is False and changed["disabled_reason"] == "manual"
    enabled = api.patch(url(org_a, f"/{endpoint_id}"), {"is_enabled": True}, format="json")
    assert enabled.json()["disabled_reason"] == ""
    assert api.delete(url(org_a, f"/{endpoint_id}")).status_code == 204
    assert api.get(url(org_a, f"/{endpoint_id}")).status_code == 404


def test_rotate_test_send_log_and_redeliver(org_a, alice, receiver):
    api = client_for(alice)
    created = create(api, org_a, receiver).json()
    rotated = api.post(
        url(org_a, f"/{created['id']}/rotate-secret"), {"overlap_seconds": 60}, format="json"
    )
    assert rotated.status_code == 200
    new_secret = rotated.json()["secret"]
    assert new_secret != created["secret"] and rotated.json()["previous_secret_expires_at"]
    receiver.secrets.append(new_secret)
    sent = api.post(url(org_a, f"/{created['id']}/test"))
    assert sent.status_code == 202 and sent.json()["event_type"] == "webhook.test"
    drain()
    assert receiver.types() == ["webhook.test"]
    log = api.get(url(org_a, f"/{created['id']}/deliveries")).json()["results"]
    [delivery] = log
    assert delivery["status"] == "succeeded" and delivery["webhook_id"] == receiver.ids()[0]
    [attempt] = delivery["attempt_log"]
    assert attempt["status_code"] == 200 and attempt["number"] == 1
    assert attempt["response_excerpt"].startswith("ok")
    again = api.post(url(org_a, f"/{created['id']}/deliveries/{delivery['id']}/redeliver"))
    assert again.status_code == 202 and again.json()["status"] == "pending"
    drain()
    assert receiver.ids() == [delivery["webhook_id"]] * 2
    only_failed = api.get(url(org_a, f"/{created['id']}/deliveries?status=failed")).json()
    assert only_failed["results"] == []


def test_a_disabled_endpoint_cannot_be_test_sent(org_a, alice, receiver):
    api = client_for(alice)
    endpoint_id = create(api, org_a, receiver, is_enabled=False).json()["id"]
    refused = api.post(url(org_a, f"/{endpoint_id}/test"))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "webhook_endpoint_disabled"


def test_a_member_is_refused_and_another_organization_sees_nothing(
    org_a, org_b, alice, bob, charlie, receiver
):
    endpoint_id = create(client_for(alice), org_a, receiver).json()["id"]
    assert client_for(bob).get(url(org_a)).status_code == 403
    assert create(client_for(bob), org_a, receiver).status_code == 403
    assert client_for(charlie).get(url(org_a)).status_code == 404
    # Charlie's own organization with A's endpoint id: not there either.
    assert client_for(charlie).get(url(org_b, f"/{endpoint_id}")).status_code == 404
    assert client_for(charlie).get(url(org_b)).json()["results"] == []


def test_event_types_are_listed(org_a, alice):
    rows = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/webhook-event-types").json()
    types = {row["type"]: row for row in rows}
    assert types["session.started"]["opt_in"] is True
    assert types["license.created"]["opt_in"] is False
    assert {"overage.started", "overage.ended", "seat.utilization_crossed"} <= set(types)


def test_each_person_keeps_their_own_notification_preferences(org_a, alice, bob):
    prefs = f"/api/v1/orgs/{org_a.slug}/notification-preferences"
    assert client_for(alice).get(prefs).json() == {
        "utilization": True,
        "denials_digest": True,
        "license_expiring": True,
        "endpoint_disabled": True,
    }
    changed = client_for(alice).patch(prefs, {"denials_digest": False}, format="json")
    assert changed.status_code == 200 and changed.json()["denials_digest"] is False
    assert client_for(bob).get(prefs).json()["denials_digest"] is True
    with scopes_disabled():
        assert NotificationPreference.objects.get().user_id == alice.id


def test_an_api_token_has_no_notification_preferences(org_a):
    from core.secrets import new_secret, secret_digest

    raw = new_secret("cot_")
    with scope(org=org_a):
        ApiToken.objects.create(
            org=org_a, name="ci", role="admin", prefix=raw[:12], digest=secret_digest(raw)
        )
    response = client_for(api_token=raw).get(f"/api/v1/orgs/{org_a.slug}/notification-preferences")
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["", "/{id}", "/{id}/deliveries"])
def test_an_api_token_of_the_organization_can_read_endpoints(org_a, alice, receiver, path):
    from core.secrets import new_secret, secret_digest

    endpoint_id = create(client_for(alice), org_a, receiver).json()["id"]
    raw = new_secret("cot_")
    with scope(org=org_a):
        ApiToken.objects.create(
            org=org_a, name="ci", role="admin", prefix=raw[:12], digest=secret_digest(raw)
        )
    response = client_for(api_token=raw).get(url(org_a, path.format(id=endpoint_id)))
    assert response.status_code == 200
    assert mail.outbox == []


def test_an_admin_sets_a_license_s_utilization_thresholds(org_a, alice, bob, license_a):
    license_, _ = license_a(seats=4)
    path = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/utilization-thresholds"
    assert client_for(bob).get(path).json() == {"thresholds": [], "level": 0}
    assert client_for(bob).put(path, {"thresholds": [50]}, format="json").status_code == 403
    saved = client_for(alice).put(path, {"thresholds": [90, 50, 90]}, format="json")
    assert saved.status_code == 200 and saved.json() == {"thresholds": [50, 90], "level": 0}
    refused = client_for(alice).put(path, {"thresholds": [0]}, format="json")
    assert refused.status_code == 400
    assert client_for(bob).get(path).json()["thresholds"] == [50, 90]
