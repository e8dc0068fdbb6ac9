"""Rollups racing in two processes (threads with their own connections): PostgreSQL
only, since SQLite has no row locks to race on."""

import threading
from datetime import timedelta

from django.db import connection
from django_scopes import scope, scopes_disabled

from analytics import services
from analytics.models import UsageHour, UsageRollupCursor
from analytics.tests.test_rollup import LAG, MIN, T0, H, history, raw_reads, reads, write_session
from core.actor import Actor
from licenses.services import license_create
from tenants.models import Organization

__all__ = ["history"]


def test_two_racing_rollups_roll_each_hour_exactly_once(transactional_db, history, monkeypatch):
    others = []
    for i in range(3):
        org = Organization.objects.create(name=f"Other {i}", slug=f"other-{i}")
        with scope(org=org):
            lic, _ = license_create(
                org=org, name="O", seats_total=2, actor=Actor.system_named("tests")
            )
            write_session(org, lic, T0 + i * H, T0 + (i + 30) * H + 7 * MIN)
        others.append(org)
    expected = raw_reads(history)
    # One hour per transaction: the two rollups meet on every organization's lock.
    monkeypatch.setattr(services, "CHUNK_HOURS", 1)
    now = T0 + timedelta(days=3)
    start = threading.Barrier(2)
    reports, errors = [], []

    def roll() -> None:
        try:
            start.wait()
            reports.append(services.usage_rollup(now=now, lag=LAG, max_hours=10_000))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=roll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    closable = now - timedelta(hours=1)
    with scopes_disabled():
        cursors = dict(UsageRollupCursor.objects.values_list("org_id", "rolled_until"))
        first = {history["org"].id: T0 - timedelta(days=3)} | {
            org.id: T0 + i * H for i, org in enumerate(others)
        }
        rows = list(UsageHour.objects.values_list("org_id", "dimension", "key", "hour"))
    assert set(cursors.values()) == {closable}
    # Every organization's hours, from its first event on, each rolled by one of them.
    assert sum(r.hours for r in reports) == sum(
        (closable - since) // H for org_id, since in first.items()
    )
    assert len(rows) == len(set(rows))
    assert reads(history) == expected
