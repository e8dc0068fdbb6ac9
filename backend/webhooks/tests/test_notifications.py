"""Email notifications: utilization thresholds with hysteresis, the daily denials
digest, expiring licenses; each sent once, to the admins who want it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from events.models import Event
from licenses import services as license_services
from licenses.errors import NoSeatsAvailable
from licenses.models import SeatEvent
from licenses.tests.helpers import proof
from tenants.models import Membership
from tests.fixtures.world import new_user
from webhooks import notifications
from webhooks.models import NotificationPreference, UtilizationLevel

pytestmark = pytest.mark.sqlite
ADMIN = Actor.system_named("tests")


@pytest.mark.parametrize(
    ("level", "percent", "after"),
    [
        (0, 79, 0),
        (0, 80, 80),
        (0, 95, 90),
        (80, 79, 80),  # inside the hysteresis band: stays
        (80, 75, 80),
        (80, 74.9, 0),
        (90, 86, 90),
        (90, 84, 80),
        (100, 96, 100),
        (100, 50, 0),
        (90, 100, 100),
    ],
)
def test_levels_go_up_at_a_threshold_and_down_only_past_the_hysteresis(level, percent, after):
    assert notifications.level_after(level, percent, [80, 90, 100], 5) == after


def utilization_events(org):
    with scope(org=org):
        return [
            (e.data["direction"], e.data["threshold"])
            for e in Event.objects.filter(type="seat.utilization_crossed").order_by("created_at")
        ]


def test_utilization_crossings_are_events_and_emails_on_the_way_up(
    store_kind, org_a, alice, license_a
):
    _, key = license_a(seats=10, name="Farm")
    seats = [
        license_services.session_acquire(license_key=key, hardware_id=f"m{n}") for n in range(8)
    ]
    assert notifications.utilization_check() == 1
    assert utilization_events(org_a) == [("up", 80)]
    [message] = mail.outbox
    assert message.to == ["alice@a.example"] and "Farm" in message.subject
    assert "80%" in message.subject
    assert notifications.utilization_check() == 0
    # One seat less: 70 %, below 80 - 5, so down.
    license_services.session_release(**proof(seats.pop()))
    assert notifications.utilization_check() == 1
    assert utilization_events(org_a)[-1] == ("down", 80)
    assert len(mail.outbox) == 1  # no email on the way down
    for n in range(8, 11):
        seats.append(license_services.session_acquire(license_key=key, hardware_id=f"m{n}"))
    assert notifications.utilization_check() == 1
    assert utilization_events(org_a)[-1] == ("up", 100)
    assert len(mail.outbox) == 2


def test_a_license_hovering_at_a_threshold_does_not_flap(store_kind, org_a, alice, license_a):
    _, key = license_a(seats=20)
    seats = [
        license_services.session_acquire(license_key=key, hardware_id=f"m{n}") for n in range(16)
    ]
    notifications.utilization_check()  # 80 %: up
    for _ in range(3):
        last = seats.pop()
        license_services.session_release(**proof(last))  # 75 %: still at 80
        notifications.utilization_check()
        seats.append(license_services.session_acquire(license_key=key, hardware_id="again"))
        notifications.utilization_check()  # 80 %
    assert utilization_events(org_a) == [("up", 80)]
    assert len(mail.outbox) == 1


def test_per_license_thresholds(store_kind, org_a, alice, license_a):
    license_, key = license_a(seats=4)
    with scope(org=org_a):
        UtilizationLevel.objects.create(license=license_, org=org_a, thresholds=[50])
    for n in range(2):
        license_services.session_acquire(license_key=key, hardware_id=f"m{n}")
    notifications.utilization_check()
    assert utilization_events(org_a) == [("up", 50)]


def test_an_admin_who_opted_out_gets_no_email(store_kind, org_a, alice, license_a):
    carol = new_user("carol@a.example")
    with scope(org=org_a):
        Membership.objects.create(org=org_a, user=carol, role="admin")
        NotificationPreference.objects.create(org=org_a, user=alice, utilization=False)
    _, key = license_a(seats=1)
    license_services.session_acquire(license_key=key, hardware_id="m")
    notifications.utilization_check()
    [message] = mail.outbox
    assert message.to == ["carol@a.example"]


def test_the_daily_denials_digest_is_sent_once(store_kind, org_a, alice, license_a):
    _, key = license_a(seats=1, name="Tight")
    license_services.session_acquire(license_key=key, hardware_id="m")
    for n in range(3):
        with pytest.raises(NoSeatsAvailable):
            license_services.session_acquire(license_key=key, hardware_id=f"x{n}")
    today = timezone.now().date()
    with scopes_disabled():
        assert SeatEvent.objects.filter(kind="deny").count() == 3
    assert notifications.denials_digest(day=today) == 1
    assert notifications.denials_digest(day=today) == 0
    [message] = mail.outbox
    assert "3 seat requests refused" in message.subject
    assert "Tight: 3" in message.body
    assert notifications.denials_digest(day=today - timedelta(days=1)) == 0


def test_an_expiring_license_is_announced_once(org_a, alice, license_a):
    soon = timezone.now() + timedelta(days=3, hours=1)
    license_, _ = license_a(seats=1, name="Renew me", expires_at=soon)
    license_a(seats=1, name="Later", expires_at=timezone.now() + timedelta(days=60))
    assert notifications.licenses_expiring() == 1
    assert notifications.licenses_expiring() == 0
    with scope(org=org_a):
        [event] = Event.objects.filter(type="license.expiring")
    assert event.data["license"]["id"] == str(license_.id) and event.data["days_left"] == 3
    [message] = mail.outbox
    assert "Renew me expires in 3 days" in message.subject
