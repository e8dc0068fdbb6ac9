"""Events reach a real receiver, signed (verified there with the ``standardwebhooks``
library), in order, once per ``webhook-id``; failures are retried with the same id."""

import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from events.models import Event
from licenses import services as license_services
from licenses.errors import NoSeatsAvailable
from licenses.models import LicenseSession
from licenses.tests.helpers import proof
from webhooks import services
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.tests.helpers import drain, time_passes

pytestmark = pytest.mark.sqlite
ADMIN = Actor.system_named("tests")


def endpoint_for(org, receiver, event_types=("*",), **fields):
    with scope(org=org):
        endpoint, secret = services.endpoint_create(
            org=org, url=receiver.url, event_types=list(event_types), actor=ADMIN, **fields
        )
    receiver.secrets.append(secret)
    return endpoint


def deliveries(org):
    with scope(org=org):
        return list(WebhookDelivery.objects.order_by("created_at"))


def test_a_scripted_sequence_arrives_signed_once_and_in_order(store_kind, org_a, receiver):
    endpoint_for(org_a, receiver, ["license.*", "session.*"])
    with scope(org=org_a):
        license_, key = license_services.license_create(
            org=org_a, name="Build farm", seats_total=1, actor=ADMIN
        )
        license_services.license_update(license_=license_, data={"seats_total": 2}, actor=ADMIN)
    seat = license_services.session_acquire(license_key=key, hardware_id="runner-1")
    license_services.session_release(**proof(seat))
    with scope(org=org_a):
        license_services.license_suspend(license_=license_, actor=ADMIN)
        license_services.license_resume(license_=license_, actor=ADMIN)
        license_services.license_rotate_key(license_=license_, actor=ADMIN)
        license_services.license_delete(license_=license_, actor=ADMIN)

    assert drain() == 8
    assert receiver.types() == [
        "license.created",
        "license.updated",
        "session.started",
        "session.ended",
        "license.suspended",
        "license.resumed",
        "license.key_rotated",
        "license.deleted",
    ]
    assert receiver.refused == []
    assert len(set(receiver.ids())) == 8
    started = receiver.received[2].payload["data"]
    assert started["session"]["id"] == str(seat.session.id)
    assert started["session"]["hardware_id"] == "runner-1"
    assert started["organization_id"] == str(org_a.id)
    assert receiver.received[1].payload["data"]["license"]["seats_total"] == 2
    assert all(d.status == "succeeded" and d.attempts == 1 for d in deliveries(org_a))
    # Nothing left: running the workers again sends nothing twice.
    assert drain() == 0
    assert len(receiver.received) == 8


def test_payloads_carry_no_secret(org_a, receiver):
    endpoint_for(org_a, receiver)
    with scope(org=org_a):
        license_, key = license_services.license_create(
            org=org_a, name="Keys", seats_total=1, actor=ADMIN
        )
        _, new_key = license_services.license_rotate_key(license_=license_, actor=ADMIN)
    drain()
    bodies = json.dumps([r.payload for r in receiver.received])
    assert key not in bodies and new_key not in bodies
    assert "whsec_" not in bodies


def test_session_events_are_written_only_while_an_endpoint_subscribes(
    store_kind, org_a, org_b, receiver, license_a
):
    endpoint_for(org_a, receiver, ["license.*"])
    _, key = license_a(seats=1)
    seat = license_services.session_acquire(license_key=key, hardware_id="m1")
    with pytest.raises(NoSeatsAvailable):
        license_services.session_acquire(license_key=key, hardware_id="m2")
    license_services.session_release(**proof(seat))
    with scope(org=org_a):
        assert not Event.objects.filter(type__startswith="session.").exists()
        assert not Event.objects.filter(type="seat.denied").exists()

    endpoint_for(org_a, receiver, ["session.*", "seat.denied"])
    seat = license_services.session_acquire(license_key=key, hardware_id="m1")
    with pytest.raises(NoSeatsAvailable):
        license_services.session_acquire(license_key=key, hardware_id="m2")
    license_services.session_release(**proof(seat))
    with scope(org=org_a):
        kinds = list(
            Event.objects.exclude(type__startswith="license.")
            .order_by("created_at")
            .values_list("type", flat=True)
        )
    assert kinds == ["session.started", "seat.denied", "session.ended"]
    drain()
    assert receiver.types()[-3:] == ["session.started", "seat.denied", "session.ended"]
    # Organization B never subscribed: its sessions write nothing.
    with scope(org=org_b):
        _, key_b = license_services.license_create(org=org_b, name="B", seats_total=1, actor=ADMIN)
    license_services.session_acquire(license_key=key_b, hardware_id="b1")
    with scope(org=org_b):
        assert list(Event.objects.values_list("type", flat=True)) == ["license.created"]


def test_revoked_and_zombie_sessions_are_events(store_kind, org_a, receiver, license_a):
    endpoint_for(org_a, receiver, ["session.revoked", "session.zombie"])
    _, key = license_a(seats=2, heartbeat_ttl=2)
    kept = license_services.session_acquire(license_key=key, hardware_id="kept")
    license_services.session_acquire(license_key=key, hardware_id="lost")
    with scope(org=org_a):
        license_services.session_revoke(session=kept.session, actor=ADMIN)
    with scopes_disabled():
        LicenseSession.objects.filter(hardware_id="lost").update(
            expires_at=timezone.now() - timedelta(seconds=5)
        )
    time.sleep(2.1)  # the seat store's own TTL clock must pass too
    license_services.sessions_reap()
    drain()
    assert sorted(receiver.types()) == ["session.revoked", "session.zombie"]


def test_receiver_down_then_up_gets_every_event_once_with_the_same_ids(org_a, receiver):
    endpoint_for(org_a, receiver, ["license.*"])
    url_port = receiver.port
    receiver.stop()
    with scope(org=org_a):
        for n in range(3):
            license_services.license_create(org=org_a, name=f"L{n}", seats_total=1, actor=ADMIN)
    assert drain() == 3
    for _ in range(2):
        time_passes()
        assert drain() == 3
    with scopes_disabled():
        failed = list(WebhookAttempt.objects.order_by("id"))
    assert len(failed) == 9
    assert all(a.status_code is None and a.error and not a.succeeded for a in failed)
    ids = {d.webhook_id for d in deliveries(org_a)}

    receiver.start(port=url_port)
    time_passes()
    assert drain() == 3
    assert receiver.types() == ["license.created"] * 3
    assert set(receiver.ids()) == ids and len(receiver.ids()) == 3
    assert [d.attempts for d in deliveries(org_a)] == [4, 4, 4]
    assert all(d.status == "succeeded" for d in deliveries(org_a))


def test_an_error_status_is_retried_and_logged(org_a, receiver):
    endpoint_for(org_a, receiver, ["license.created"])
    receiver.status = 503
    with scope(org=org_a):
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    drain()
    [delivery] = deliveries(org_a)
    assert delivery.status == "pending" and delivery.last_status_code == 503
    assert delivery.next_attempt_at > timezone.now()
    with scopes_disabled():
        [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code == 503 and attempt.number == 1
    assert attempt.response_excerpt.startswith("ok xxx")
    # The excerpt is capped (WEBHOOK_RESPONSE_MAX_BYTES), the receiver sent 5 kB.
    assert len(attempt.response_excerpt) == 1024
    receiver.status = 204
    time_passes()
    drain()
    [delivery] = deliveries(org_a)
    assert delivery.status == "succeeded" and delivery.attempts == 2
    assert receiver.ids() == [delivery.webhook_id, delivery.webhook_id]


def test_a_redirect_is_a_failure_and_is_not_followed(org_a, receiver):
    target = type(receiver)(secrets=receiver.secrets).start()
    try:
        endpoint_for(org_a, receiver, ["license.created"])
        target.secrets = receiver.secrets
        receiver.redirect_to = target.url
        with scope(org=org_a):
            license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
        drain()
        assert target.requests == 0
        with scopes_disabled():
            [attempt] = WebhookAttempt.objects.all()
        assert attempt.status_code == 302 and not attempt.succeeded
        assert "redirect" in attempt.error
    finally:
        target.stop()


def test_retries_back_off_exponentially_with_jitter_for_three_days(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 5
    settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS = 6 * 3600
    for attempt in range(1, 20):
        full = min(6 * 3600, 5 * 2 ** (attempt - 1))
        delays = {services.retry_delay(attempt) for _ in range(20)}
        assert all(full / 2 <= d <= full for d in delays)
        assert len(delays) > 1  # jitter
    total, attempt = 0.0, 0
    while total < 3 * 24 * 3600:
        attempt += 1
        total += services.retry_delay(attempt)
    assert 15 <= attempt <= 40


def test_a_delivery_past_its_retry_period_fails_for_good(org_a, receiver):
    endpoint_for(org_a, receiver, ["license.created"])
    receiver.status = 500
    with scope(org=org_a):
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    services.events_dispatch()
    with scopes_disabled():
        WebhookDelivery.objects.update(retry_until=timezone.now() + timedelta(seconds=1))
    drain()
    [delivery] = deliveries(org_a)
    assert delivery.status == "failed" and delivery.completed_at is not None
    time_passes()
    assert drain() == 0


def test_manual_redeliver_sends_the_same_webhook_id_again(org_a, receiver):
    endpoint = endpoint_for(org_a, receiver, ["license.created"])
    with scope(org=org_a):
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    drain()
    [delivery] = deliveries(org_a)
    with scope(org=org_a):
        services.delivery_redeliver(delivery=delivery, actor=ADMIN)
    drain()
    assert receiver.ids() == [delivery.webhook_id] * 2
    with scopes_disabled():
        assert WebhookAttempt.objects.filter(endpoint=endpoint).count() == 2


def test_a_test_send_reaches_only_that_endpoint(org_a, receiver):
    other = type(receiver)().start()
    try:
        endpoint = endpoint_for(org_a, receiver, ["license.created"])
        endpoint_for(org_a, other, ["*"])
        with scope(org=org_a):
            services.endpoint_test_send(endpoint=endpoint, actor=ADMIN)
        drain()
        assert receiver.types() == ["webhook.test"]
        assert other.received == []
    finally:
        other.stop()


def test_after_a_rotation_both_secrets_sign_during_the_overlap(org_a, receiver):
    endpoint = endpoint_for(org_a, receiver, ["license.created"])
    old_secret = receiver.secrets[0]
    with scope(org=org_a):
        endpoint, new_secret = services.endpoint_rotate_secret(
            endpoint=endpoint, overlap_seconds=3600, actor=ADMIN
        )
        license_services.license_create(org=org_a, name="L1", seats_total=1, actor=ADMIN)
    # A receiver that knows only the new secret, then one that knows only the old one.
    receiver.secrets = [new_secret]
    drain()
    assert len(receiver.received) == 1
    assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 2
    receiver.secrets = [old_secret]
    [delivery] = deliveries(org_a)
    with scope(org=org_a):
        services.delivery_redeliver(delivery=delivery, actor=ADMIN)
    drain()
    assert len(receiver.received) == 2
    # Once the overlap is over, only the new secret signs.
    with scopes_disabled():
        WebhookEndpoint.objects.update(previous_secret_expires_at=timezone.now())
        services.delivery_redeliver(delivery=delivery, actor=ADMIN)
    drain()
    assert len(receiver.received) == 2 and len(receiver.refused) == 1


def test_an_endpoint_failing_too_long_is_disabled_and_admins_are_emailed(
    settings, org_a, alice, receiver, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 3600
    settings.WEBHOOK_DISABLE_MIN_FAILURES = 3
    endpoint = endpoint_for(org_a, receiver, ["license.created"])
    receiver.status = 500
    with scope(org=org_a):
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    for _ in range(3):
        drain()
        time_passes()
    endpoint.refresh_from_db()
    assert endpoint.is_enabled and endpoint.consecutive_failures == 3
    # Failing for more than an hour now.
    with scopes_disabled():
        WebhookEndpoint.objects.update(failing_since=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        for delivery_id in services.deliveries_due():
            result = services.delivery_attempt(delivery_id)
            assert result is not None and result.disabled_endpoint
    endpoint.refresh_from_db()
    assert not endpoint.is_enabled and endpoint.disabled_reason == "failing"
    [message] = mail.outbox
    assert message.to == ["alice@a.example"]  # the owner; bob is a member
    assert endpoint.url in message.body
    # Disabled: no more attempts, no more events for it.
    time_passes()
    assert drain() == 0


def test_the_command_delivers_without_celery(org_a, receiver):
    from django.core.management import call_command

    endpoint_for(org_a, receiver, ["license.created"])
    with scope(org=org_a):
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    call_command("deliver_webhooks")
    assert receiver.types() == ["license.created"]


def test_old_events_and_their_log_are_pruned_unless_still_pending(org_a, receiver):
    endpoint_for(org_a, receiver, ["license.created"])
    with scope(org=org_a):
        for name in ("delivered", "pending", "recent"):
            license_services.license_create(org=org_a, name=name, seats_total=1, actor=ADMIN)
    drain()
    with scopes_disabled():
        events = {e.data["license"]["name"]: e for e in Event.objects.all()}
        WebhookDelivery.objects.filter(event=events["pending"]).update(status="pending")
        Event.objects.filter(id__in=[events["delivered"].id, events["pending"].id]).update(
            created_at=timezone.now() - timedelta(days=31)
        )
    assert services.events_prune() == 1
    with scopes_disabled():
        kept = {e.data["license"]["name"] for e in Event.objects.all()}
        assert kept == {"pending", "recent"}
        assert WebhookDelivery.objects.count() == 2
        assert WebhookAttempt.objects.count() == 2
