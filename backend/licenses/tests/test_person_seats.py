"""Seats held by people (DESIGN §10): acquire with a person's access token, assignment,
the per-person cap, and the races the issue names, on both seat stores."""

import uuid

import jwt
import pytest
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from licenses import services
from licenses.models import License, LicenseAssignment, LicenseSession, SeatEvent
from licenses.seatstore import get_seat_store
from licenses.tests.helpers import acquire, heartbeat, person_acquire
from tenants.models import Membership
from tests.fixtures.concurrency import race
from tests.fixtures.world import new_user
from users.services import token_pair_issue

pytestmark = pytest.mark.sqlite
ADMIN = Actor.system_named("tests")


def sign_in(user) -> dict[str, str]:
    return token_pair_issue(user=user, kind="device", device_info={"hostname": "box"})


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_person_acquires_a_named_license_and_the_session_names_them(
    store_kind, org_a, bob, license_a
):
    license_, key = license_a(seats=2)
    reply = person_acquire(sign_in(bob)["access"], license_id=str(license_.id))
    assert reply.status_code == 201, reply.content
    assert claims(reply.json()["token"])["usr"] == str(bob.id)
    with scope(org=org_a):
        session = LicenseSession.objects.get(id=reply.json()["session_id"])
        assert session.user_id == bob.id
        assert SeatEvent.objects.get(session_id=session.id).user_id == bob.id
    # A machine with the key shares the same seats: the license is now full.
    assert acquire(key, "ci-runner").status_code == 201
    assert acquire(key, "ci-runner-2").status_code == 409
    assert heartbeat(reply.json()).status_code == 200


def test_without_a_license_id_the_one_assigned_license_is_used(store_kind, org_a, bob, license_a):
    access = sign_in(bob)["access"]
    assert person_acquire(access).json()["error"]["code"] == "no_license_assigned"
    assert person_acquire(access).status_code == 422
    first, _ = license_a(assignment="assigned")
    second, _ = license_a(assignment="assigned")
    with scope(org=org_a):
        services.assignment_add(license_=first, user=bob, actor=ADMIN)
        reply = person_acquire(access)
        assert reply.status_code == 201 and reply.json()["license_id"] == str(first.id)
        services.assignment_add(license_=second, user=bob, actor=ADMIN)
    reply = person_acquire(access, "other")
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "several_licenses_assigned"
    assert {x["id"] for x in reply.json()["error"]["details"]["licenses"]} == {
        str(first.id),
        str(second.id),
    }


def test_an_outsiders_token_never_acquires_and_confirms_nothing(
    store_kind, org_a, org_b, charlie, license_a, snapshot
):
    license_, _ = license_a()
    before = snapshot(org_a)
    reply = person_acquire(sign_in(charlie)["access"], license_id=str(license_.id))
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "license_not_found"
    missing = person_acquire(sign_in(charlie)["access"], license_id=str(uuid.uuid4()))
    assert missing.json()["error"] == reply.json()["error"]
    assert snapshot(org_a) == before


def test_a_viewer_holds_no_seat(store_kind, org_a, license_a):
    viewer = new_user("vera@a.example")
    with scope(org=org_a):
        Membership.objects.create(org=org_a, user=viewer, role="viewer")
    license_, _ = license_a()
    reply = person_acquire(sign_in(viewer)["access"], license_id=str(license_.id))
    assert reply.status_code == 404


def test_a_removed_members_token_stops_working_at_once(
    store_kind, org_a, bob, license_a, django_capture_on_commit_callbacks
):
    from core.roles import Role
    from tenants.services import membership_remove

    license_, _ = license_a()
    access = sign_in(bob)["access"]
    held = person_acquire(access, license_id=str(license_.id))
    assert held.status_code == 201
    with scope(org=org_a), django_capture_on_commit_callbacks(execute=True):
        membership = Membership.objects.get(user=bob)
        membership_remove(
            membership=membership, acting_user=None, acting_role=Role.OWNER, actor=ADMIN
        )
    # The access token is still well signed and unexpired; it holds nothing any more.
    reply = person_acquire(access, "second", license_id=str(license_.id))
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "invalid_person_token"
    assert heartbeat(held.json()).status_code == 410


def test_a_revoked_sign_in_is_told_to_sign_in_again(store_kind, org_a, bob, license_a):
    from users.services import token_revoke

    license_, _ = license_a()
    pair = sign_in(bob)
    token_revoke(refresh=pair["refresh"])
    reply = person_acquire(pair["access"], license_id=str(license_.id))
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "invalid_person_token"


def test_a_bad_bearer_token_is_401(store_kind, org_a, license_a):
    license_, _ = license_a()
    reply = person_acquire("not-a-token", license_id=str(license_.id))
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "invalid_person_token"


def test_an_assigned_license_takes_only_assigned_people(store_kind, org_a, alice, bob, license_a):
    license_, key = license_a(assignment="assigned")
    access = sign_in(bob)["access"]
    refused = person_acquire(access, license_id=str(license_.id))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "license_not_assigned"
    with scope(org=org_a):
        assert SeatEvent.objects.filter(kind="deny", user_id=bob.id).count() == 1
        services.assignment_add(license_=license_, user=bob, actor=ADMIN)
    granted = person_acquire(access, license_id=str(license_.id))
    assert granted.status_code == 201
    # The license key (a headless machine) is no person: assignment does not apply.
    assert acquire(key, "ci").status_code == 201
    with scope(org=org_a):
        ended = services.assignment_remove(license_=license_, user_id=bob.id, actor=ADMIN)
    assert ended == 1
    assert heartbeat(granted.json()).status_code == 410
    assert person_acquire(access, license_id=str(license_.id)).status_code == 403


def test_the_person_cap_refuses_the_next_machine_listing_the_machines(
    store_kind, org_a, bob, license_a
):
    license_, _ = license_a(seats=5, max_machines_per_person=2)
    access = sign_in(bob)["access"]
    for hwid in ("laptop", "desktop"):
        assert person_acquire(access, hwid, license_id=str(license_.id)).status_code == 201
    reply = person_acquire(access, "third", license_id=str(license_.id))
    assert reply.status_code == 409
    error = reply.json()["error"]
    assert error["code"] == "person_seat_limit"
    assert [m["hostname"] for m in error["details"]["machines"]] == [
        "laptop.local",
        "desktop.local",
    ]
    # Renewing a machine already held is not a new machine.
    assert person_acquire(access, "laptop", license_id=str(license_.id)).status_code == 200


def test_evict_oldest_ends_the_oldest_session_whose_heartbeat_then_gets_410(
    store_kind, org_a, bob, license_a
):
    license_, _ = license_a(seats=5, max_machines_per_person=2, person_limit_action="evict_oldest")
    access = sign_in(bob)["access"]
    seats = [
        person_acquire(access, hwid, license_id=str(license_.id)).json()
        for hwid in ("one", "two", "three")
    ]
    assert heartbeat(seats[0]).status_code == 410
    assert heartbeat(seats[1]).status_code == 200
    assert heartbeat(seats[2]).status_code == 200
    with scope(org=org_a):
        oldest = LicenseSession.objects.get(id=seats[0]["session_id"])
        assert oldest.status == "revoked"
    assert get_seat_store().count(str(license_.id)) == 2


# Races ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_person_on_twenty_machines_with_a_cap_of_two_gets_two(store_kind, org, make_license):
    person = new_user(f"p-{uuid.uuid4().hex[:6]}@x.example")
    with scope(org=org):
        Membership.objects.create(org=org, user=person, role="member")
    license_, _ = make_license(seats=50, max_machines_per_person=2)
    family = str(uuid.uuid4())
    _family(person, family)

    def take(i: int) -> str:
        try:
            services.session_acquire_as_person(
                user_id=str(person.id),
                family_id=family,
                license_id=str(license_.id),
                hardware_id=f"m{i}",
            )
        except Exception as exc:
            return getattr(exc, "code", repr(exc))
        return "granted"

    outcomes = race(take, 20)
    assert outcomes.count("granted") == 2
    assert outcomes.count("person_seat_limit") == 18
    assert get_seat_store().count(str(license_.id)) == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_people_on_ten_seats_get_ten(store_kind, org, make_license):
    license_, _ = make_license(seats=10, max_machines_per_person=1)
    people = [new_user(f"p{i}-{uuid.uuid4().hex[:6]}@x.example") for i in range(50)]
    families = [str(uuid.uuid4()) for _ in people]
    with scope(org=org):
        for person, family in zip(people, families, strict=True):
            Membership.objects.create(org=org, user=person, role="member")
            _family(person, family)

    def take(i: int) -> str:
        try:
            services.session_acquire_as_person(
                user_id=str(people[i].id),
                family_id=families[i],
                license_id=str(license_.id),
                hardware_id="shared-build-box",
            )
        except Exception as exc:
            return getattr(exc, "code", repr(exc))
        return "granted"

    outcomes = race(take, 50)
    assert outcomes.count("granted") == 10
    assert outcomes.count("no_seats_available") == 40, sorted(set(outcomes))
    with scopes_disabled():
        assert LicenseSession.objects.filter(license=license_, status="active").count() == 10


@pytest.mark.django_db(transaction=True)
def test_an_unassigned_person_never_holds_a_seat_after_the_unassign(store_kind, org, make_license):
    """Acquires race an unassign: whatever the interleaving, once the unassign has
    returned the person holds nothing, in the database and in the store."""
    person = new_user(f"p-{uuid.uuid4().hex[:6]}@x.example")
    family = str(uuid.uuid4())
    with scope(org=org):
        Membership.objects.create(org=org, user=person, role="member")
    _family(person, family)
    for _round in range(3):
        license_, _ = make_license(seats=30, assignment=License.Assignment.ASSIGNED)
        with scope(org=org):
            services.assignment_add(license_=license_, user=person, actor=ADMIN)
        # The unassign runs among twelve acquires released at once.

        def act(i: int, license_=license_) -> str:
            if i == 6:
                with scope(org=org):
                    services.assignment_remove(license_=license_, user_id=person.id, actor=ADMIN)
                return "unassigned"
            try:
                services.session_acquire_as_person(
                    user_id=str(person.id),
                    family_id=family,
                    license_id=str(license_.id),
                    hardware_id=f"m{i}",
                )
            except Exception as exc:
                return getattr(exc, "code", repr(exc))
            return "granted"

        outcomes = race(act, 13)
        assert set(outcomes) <= {"granted", "license_not_assigned", "unassigned"}, outcomes
        with scopes_disabled():
            live = LicenseSession.objects.filter(license=license_, status="active").count()
            assert not LicenseAssignment.objects.filter(license=license_).exists()
        assert live == 0
        assert get_seat_store().count(str(license_.id)) == 0
        # And after it, every attempt is refused.
        with pytest.raises(Exception, match="assigned"):
            services.session_acquire_as_person(
                user_id=str(person.id),
                family_id=family,
                license_id=str(license_.id),
                hardware_id="late",
            )


def _family(user, family_id: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from users.models import RefreshTokenFamily

    RefreshTokenFamily.objects.create(
        id=family_id, user=user, current_jti="x", expires_at=timezone.now() + timedelta(days=1)
    )
