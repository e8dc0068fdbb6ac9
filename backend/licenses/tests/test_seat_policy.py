"""Seat policies through the seat protocol: overage marked in the answer and the token,
acquires counted against a project by slug, a rebuild after a Redis flush keeping each
project's count, the grace period after expiry."""

from datetime import timedelta

import jwt
import pytest
import redis
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from events.models import Event
from licenses import services
from licenses.errors import LicenseRefused, NoSeatsAvailable, UnknownProject
from licenses.models import LicenseSession
from licenses.tests.helpers import acquire, release
from projects.models import Project
from tests.fixtures.stores import use_store

pytestmark = pytest.mark.sqlite


@pytest.fixture
def projects(org):
    with scope(org=org):
        return (
            Project.objects.create(org=org, name="Apollo", slug="apollo"),
            Project.objects.create(org=org, name="Gemini", slug="gemini"),
        )


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_grant_past_seats_total_is_marked_overage_in_answer_and_token(store_kind, make_license):
    _, key = make_license(seats=2, overage_kind="percent", overage_value=50)
    bodies = [acquire(key, f"m{i}").json() for i in range(3)]
    assert [b["overage"] for b in bodies] == [False, False, True]
    assert "overage" not in claims(bodies[0]["token"])
    assert claims(bodies[2]["token"])["overage"] is True
    refused = acquire(key, "m3")
    assert refused.status_code == 409
    details = refused.json()["error"]["details"]
    assert details["seats_used"] == 3 and details["overage_allowance"] == 1


def test_the_first_seat_past_seats_total_writes_overage_started(store_kind, make_license):
    license_, key = make_license(seats=1, overage_kind="seats", overage_value=2)
    for i in range(3):
        assert acquire(key, f"m{i}").status_code == 201
    with scopes_disabled():
        started = list(Event.objects.filter(type="overage.started").values_list("data", flat=True))
    assert [(e["license"]["id"], e["seats_used"]) for e in started] == [(str(license_.id), 2)]


def overage_events(license_) -> list[tuple[str, int]]:
    with scopes_disabled():
        found = Event.objects.filter(type__startswith="overage.").order_by("created_at", "id")
        return [
            (e.type, e.data["seats_used"])
            for e in found
            if e.data["license"]["id"] == str(license_.id)
        ]


def test_an_overage_episode_is_one_started_and_one_ended_event(store_kind, make_license):
    """Back within seats_total, the reaper's pass closes the episode; going over again
    opens the next one. Dropping to seats_total and back between passes is one
    episode."""
    license_, key = make_license(seats=1, overage_kind="seats", overage_value=2)
    held = [acquire(key, f"m{i}").json() for i in range(3)]
    assert release(held[2]).status_code == 200
    assert acquire(key, "m2-again").status_code == 201  # 2 again: the same episode
    services.sessions_reap()
    assert overage_events(license_) == [("overage.started", 2)]
    release(held[1])
    services.sessions_reap()
    assert overage_events(license_) == [("overage.started", 2)], "3 -> 2 is still over 1"
    release(held[0])
    services.sessions_reap()
    services.sessions_reap()
    assert overage_events(license_) == [("overage.started", 2), ("overage.ended", 1)]
    with scopes_disabled():
        ended = Event.objects.get(type="overage.ended")
    assert ended.data["seconds"] >= 0 and ended.data["overage_since"]
    assert acquire(key, "m5").status_code == 201
    assert overage_events(license_)[-1] == ("overage.started", 2)


def test_the_reaper_opens_an_episode_whose_crossing_was_missed(store_kind, make_license):
    """Over seats_total with no episode open (the crossing raced the pass that closed
    the last one): the next pass opens one."""
    license_, key = make_license(seats=1, overage_kind="seats", overage_value=1)
    assert [acquire(key, f"m{i}").status_code for i in range(2)] == [201, 201]
    with scopes_disabled():
        Event.objects.filter(type="overage.started").delete()
        type(license_).objects.filter(pk=license_.pk).update(overage_since=None)
    assert services.sessions_reap().overages == 1
    assert overage_events(license_) == [("overage.started", 2)]
    assert services.sessions_reap().overages == 0


def test_an_absolute_overage_allows_that_many_extra_seats(store_kind, make_license):
    _, key = make_license(seats=1, overage_kind="seats", overage_value=2)
    assert [acquire(key, f"m{i}").status_code for i in range(4)] == [201, 201, 201, 409]


def test_an_acquire_counts_against_the_project_it_names(store_kind, make_license, projects):
    apollo, _ = projects
    rules = [{"project": apollo.id, "cap": 1}]
    license_, key = make_license(seats=5, project_seats=rules)
    first = acquire(key, "a1", project="apollo")
    assert first.status_code == 201
    refused = acquire(key, "a2", project="apollo")
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["reason"] == "project_cap_reached"
    assert acquire(key, "b1", project="gemini").status_code == 201
    assert acquire(key, "c1").status_code == 201
    with scopes_disabled():
        by_hw = dict(
            LicenseSession.objects.filter(license=license_).values_list("hardware_id", "project")
        )
    assert by_hw == {"a1": apollo.id, "b1": projects[1].id, "c1": None}
    release(first.json())
    assert acquire(key, "a2", project="apollo").status_code == 201


def test_an_unknown_project_is_a_clear_400(store_kind, make_license, projects):
    _, key = make_license(seats=2)
    response = acquire(key, "a", project="nope")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_project"
    with pytest.raises(UnknownProject):
        services.session_acquire(license_key=key, hardware_id="a", project="nope")


def test_without_a_project_the_seat_counts_against_the_licenses(store_kind, make_license, projects):
    apollo, _ = projects
    _, key = make_license(seats=5, project=apollo, project_seats=[{"project": apollo.id, "cap": 1}])
    assert acquire(key, "a1").status_code == 201
    assert acquire(key, "a2").status_code == 409


def test_outsiders_are_told_the_free_seats_are_reserved(store_kind, make_license, projects):
    apollo, _ = projects
    _, key = make_license(seats=2, project_seats=[{"project": apollo.id, "reserved": 1}])
    assert acquire(key, "o1").status_code == 201
    refused = acquire(key, "o2")
    assert refused.json()["error"]["details"]["reason"] == "seats_reserved"
    assert acquire(key, "a1", project="apollo").status_code == 201


def test_a_renamed_project_keeps_its_rules_under_its_new_slug(store_kind, make_license, projects):
    apollo, _ = projects
    license_, key = make_license(seats=5, project_seats=[{"project": apollo.id, "cap": 0}])
    with scope(org=apollo.org):
        apollo.slug = "artemis"
        apollo.save()
        license_.refresh_from_db()
    assert license_.project_seats[0]["slug"] == "artemis"
    assert acquire(key, "a1", project="artemis").status_code == 409


def test_a_deleted_projects_reservation_goes_back_to_everyone(store_kind, make_license, projects):
    apollo, _ = projects
    license_, key = make_license(seats=1, project_seats=[{"project": apollo.id, "reserved": 1}])
    assert acquire(key, "o1").status_code == 409
    with scope(org=apollo.org):
        apollo.delete()
        license_.refresh_from_db()
    assert license_.project_seats == []
    assert acquire(key, "o1").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_a_flush_keeps_each_projects_count(private_redis, make_license, projects):
    use_store("redis", private_redis)
    apollo, _ = projects
    _, key = make_license(seats=5, project_seats=[{"project": apollo.id, "cap": 2}])
    for i in range(2):
        services.session_acquire(license_key=key, hardware_id=f"a{i}", project="apollo")
    redis.Redis.from_url(private_redis).flushall()
    with pytest.raises(NoSeatsAvailable):
        services.session_acquire(license_key=key, hardware_id="a9", project="apollo")
    assert services.session_acquire(license_key=key, hardware_id="o1").created


def test_an_expired_license_in_its_grace_period_grants_marked_seats(store_kind, make_license):
    past = timezone.now() - timedelta(days=1)
    _, key = make_license(seats=2, expires_at=past, grace_days=3)
    body = acquire(key, "m").json()
    assert body["grace"] is True and claims(body["token"])["grace"] is True


def test_past_the_grace_period_acquire_is_refused(store_kind, make_license):
    past = timezone.now() - timedelta(days=4)
    _, key = make_license(seats=2, expires_at=past, grace_days=3)
    assert acquire(key, "m").json()["error"]["code"] == "license_expired"
    with pytest.raises(LicenseRefused):
        services.session_acquire(license_key=key, hardware_id="m")
