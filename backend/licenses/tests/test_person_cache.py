"""A person's acquire of a named license reads its verdict from Redis
(``licenses.person_cache``): the second acquire reads no license, membership or sign-in
from the database, and every change that narrows what the person may do reaches the
next acquire at once."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from core.redis import redis_client
from core.roles import Role
from licenses import license_cache, person_cache, services
from licenses.models import License
from licenses.tests.helpers import person_acquire
from licenses.tests.test_person_seats import sign_in
from tenants.models import Membership
from tests.fixtures.stores import use_store
from users import standing

ADMIN = Actor.system_named("tests")


@pytest.fixture(autouse=True)
def redis_store(redis_url):
    use_store("redis", redis_url)


def reads_of_people_or_licenses(queries: CaptureQueriesContext) -> list[str]:
    tables = ("licenses_license", "tenants_membership", "users_refreshtokenfamily")
    return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]


def test_the_second_acquire_reads_no_license_membership_or_sign_in(org_a, bob, license_a):
    license_, _ = license_a(seats=3)
    access = sign_in(bob)["access"]
    with CaptureQueriesContext(connection) as first:
        assert person_acquire(access, "one", license_id=str(license_.id)).status_code == 201
    assert reads_of_people_or_licenses(first), "the first acquire reads the database"
    with CaptureQueriesContext(connection) as second:
        assert person_acquire(access, "two", license_id=str(license_.id)).status_code == 201
    # The insert of the session names the license; nothing reads these tables.
    assert [q for q in reads_of_people_or_licenses(second) if "INSERT" not in q] == []


def test_a_sign_in_revoked_after_a_cached_acquire_is_refused_at_once(org_a, bob, license_a):
    from users.services import token_revoke

    license_, _ = license_a(seats=3)
    pair = sign_in(bob)
    assert person_acquire(pair["access"], "one", license_id=str(license_.id)).status_code == 201
    token_revoke(refresh=pair["refresh"])
    reply = person_acquire(pair["access"], "two", license_id=str(license_.id))
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "invalid_person_token"


def test_a_member_made_viewer_after_a_cached_acquire_holds_no_new_seat(org_a, bob, license_a):
    from tenants.services import membership_update_role

    license_, _ = license_a(seats=3)
    access = sign_in(bob)["access"]
    assert person_acquire(access, "one", license_id=str(license_.id)).status_code == 201
    with scope(org=org_a):
        membership_update_role(
            membership=Membership.objects.get(user=bob),
            role="viewer",
            acting_role=Role.OWNER,
            actor=ADMIN,
        )
    reply = person_acquire(access, "two", license_id=str(license_.id))
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "license_not_found"


def test_a_deactivated_account_after_a_cached_acquire_is_refused(org_a, bob, license_a):
    license_, _ = license_a(seats=3)
    access = sign_in(bob)["access"]
    assert person_acquire(access, "one", license_id=str(license_.id)).status_code == 201
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert person_acquire(access, "two", license_id=str(license_.id)).status_code == 401


def test_a_license_made_assigned_after_a_cached_acquire_asks_for_the_assignment(
    org_a, bob, license_a, django_capture_on_commit_callbacks
):
    license_, _ = license_a(seats=3)
    access = sign_in(bob)["access"]
    assert person_acquire(access, "one", license_id=str(license_.id)).status_code == 201
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        services.license_update(license_=license_, data={"assignment": "assigned"}, actor=ADMIN)
    reply = person_acquire(access, "two", license_id=str(license_.id))
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "license_not_assigned"


def test_a_reader_that_read_the_database_before_a_revoke_cannot_file_a_standing_verdict(
    org_a, bob, license_a, django_capture_on_commit_callbacks
):
    """The slow reader: it read the generation, then the database (the sign-in still
    live), and files its verdict only after the revoke committed."""
    from users.services import token_revoke

    license_, _ = license_a(seats=3)
    pair = sign_in(bob)
    family = json.loads(_claims(pair["access"]))["fam"]
    names = person_cache.keys(family, license_.id, bob.id)
    before = person_cache.Prefetched(family, str(license_.id), *redis_client().mget(names))
    with django_capture_on_commit_callbacks(execute=True):
        token_revoke(refresh=pair["refresh"])
    with scopes_disabled():
        loaded = License.objects.get(id=license_.id)
    person_cache.fill(before, loaded)
    license_cache.fill_by_id(loaded)
    now = person_cache.Prefetched(family, str(license_.id), *redis_client().mget(names))
    assert now.entry is not None, "the slow reader's entry is there"
    assert person_cache.lookup(now, license_.id) is None
    reply = person_acquire(pair["access"], "two", license_id=str(license_.id))
    assert reply.status_code == 401


def test_a_license_entry_without_the_people_fields_is_a_miss(org_a, bob, license_a):
    """An older release's entry lacks ``assignment``: its default would open an
    assigned license to every member."""
    license_, _ = license_a(seats=3, assignment="assigned")
    stale = {"assignment", "max_machines_per_person", "person_limit_action"}
    with scopes_disabled():
        loaded = License.objects.get(id=license_.id)
    entry = {k: v for k, v in json.loads(license_cache._dump(loaded)).items() if k not in stale}
    assert license_cache.lookup_by_id(json.dumps(entry)) is license_cache.MISS
    redis_client().set(license_cache._id_key(license_.id), json.dumps(entry))
    access = sign_in(bob)["access"]
    assert person_acquire(access, "one", license_id=str(license_.id)).status_code == 403


def test_every_change_of_a_person_bumps_their_generation(org_a, bob):
    def generation() -> int:
        return int(redis_client().get(standing.generation_key(bob.id)) or 0)

    seen = [generation()]
    bob.save()
    seen.append(generation())
    with scope(org=org_a):
        Membership.objects.get(user=bob).save()
    seen.append(generation())
    sign_in(bob)
    seen.append(generation())
    with scope(org=org_a):
        Membership.objects.get(user=bob).delete()
    seen.append(generation())
    assert seen == sorted(set(seen)), seen


def _claims(token: str) -> str:
    import base64

    body = token.split(".")[1]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
