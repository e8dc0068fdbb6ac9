"""Acquire reads licenses from Redis; a change must still reach it at once, and a reader
that loaded the old row must never bring the old state back."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from core.actor import Actor
from core.redis import redis_client
from licenses import license_cache, selectors, services
from licenses.keys import license_key_digest
from licenses.models import License, LicenseSession
from projects.models import Project
from tests.fixtures.stores import use_store


@pytest.fixture(autouse=True)
def redis_store(redis_url):
    use_store("redis", redis_url)


def acquire(key: str, hwid: str):
    return APIClient().post(
        "/api/v1/licenses/acquire", {"license_key": key, "hardware_id": hwid}, format="json"
    )


def test_acquire_reads_the_cached_license(license_a):
    license_, key = license_a(seats=1)
    assert acquire(key, "a").status_code == 201
    # A write that bypasses the ORM's signals is not seen: the cache answered.
    with scopes_disabled():
        License.objects.filter(id=license_.id).update(seats_total=5)
    assert acquire(key, "b").status_code == 409
    ttl = redis_client().ttl(license_cache._key(license_.key_digest))
    assert 0 < ttl <= settings.LICENSE_CACHE_SECONDS


def test_a_change_reaches_acquire_at_once(license_a, django_capture_on_commit_callbacks):
    license_, key = license_a(seats=1)
    assert acquire(key, "a").status_code == 201
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        services.license_update(
            license_=license_, data={"seats_total": 2}, actor=Actor.system_named("tests")
        )
    assert acquire(key, "b").status_code == 201
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        services.license_suspend(license_=license_, actor=Actor.system_named("tests"))
    assert acquire(key, "c").json()["error"]["code"] == "license_suspended"


def test_a_reader_that_loaded_the_old_row_cannot_overwrite_the_change(
    license_a, django_capture_on_commit_callbacks
):
    license_, key = license_a(seats=1)
    old = selectors.license_get_by_key(key)
    redis_client().delete(license_cache._key(license_.key_digest))
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        services.license_suspend(license_=license_, actor=Actor.system_named("tests"))
    license_cache.fill(license_.key_digest, old)  # the slow reader, after the commit
    cached = license_cache.lookup(license_.key_digest)
    assert isinstance(cached, License) and cached.is_suspended


def test_a_rotated_out_key_stays_out(license_a, django_capture_on_commit_callbacks):
    license_, old_key = license_a(seats=2)
    old = selectors.license_get_by_key(old_key)
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        _, new_key = services.license_rotate_key(
            license_=license_, actor=Actor.system_named("tests")
        )
    license_cache.fill(license_key_digest(old_key), old)
    assert license_cache.lookup(license_key_digest(old_key)) is None
    assert acquire(old_key, "a").status_code == 401
    assert acquire(new_key, "a").status_code == 201


def test_a_deleted_license_is_refused(license_a, django_capture_on_commit_callbacks):
    license_, key = license_a(seats=2)
    assert acquire(key, "a").status_code == 201
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        services.license_delete(license_=license_, actor=Actor.system_named("tests"))
    assert acquire(key, "b").status_code == 401


def test_a_project_deleted_under_a_cached_license_does_not_break_acquire(org_a, license_a):
    with scope(org=org_a):
        project = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
    _, key = license_a(seats=3, project=project)
    assert acquire(key, "a").status_code == 201
    with scope(org=org_a):
        project.delete()
    response = acquire(key, "b")
    assert response.status_code == 201
    with scopes_disabled():
        session = LicenseSession.objects.get(id=response.json()["session_id"])
    assert session.project_id is None


def test_unknown_keys_are_remembered_as_unknown(db):
    digest = license_key_digest("lic_nobody")
    assert selectors.license_get_by_key("lic_nobody") is None
    assert license_cache.lookup(digest) is None


def test_a_failing_cache_falls_back_to_the_database(license_a, monkeypatch):
    license_, key = license_a(seats=2)
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:1/0")
    redis_client.cache_clear()
    try:
        found = selectors.license_get_by_key(key)
    finally:
        redis_client.cache_clear()
    assert found is not None and found.id == license_.id


def test_acquire_reads_the_license_in_the_throttles_round_trip(license_a, monkeypatch):
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the rate limits count in Redis only when the cache is Redis")
    _, key = license_a(seats=3)
    assert acquire(key, "a").status_code == 201  # fills the entry

    def no_second_read():
        raise AssertionError("the license was read in a round trip of its own")

    monkeypatch.setattr(license_cache, "_client", no_second_read)
    assert acquire(key, "b").status_code == 201
