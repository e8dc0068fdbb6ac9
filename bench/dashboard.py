"""Dashboard reads at scale: license list, session lists, utilization.

Usage rows (``analytics.SeatEvent``, the event table utilization is computed
from) are seeded with ``generate_series``: pairs of acquire and release events
of sessions of 1 to 120 minutes, spread over the last 30 days and over the
licenses. They are then rolled up into hourly rows as production's Celery beat
task does (``analytics.services.usage_rollup``, here through the
``rollup_usage`` command that repeats it until caught up), so the reads meet
the tables they meet in production. The reads are the management API's own
endpoints, called over HTTP on the running server with an organization API
token, one request at a time, as the dashboard calls them: view, selector, ORM,
pagination and serializers all included.
"""

import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

import httpx
import psycopg
from seed import key_digest
from stack import BACKEND, REPO

PAGE = 50
TIMEOUT_S = 30


def seed_usage(db: Any, org_id: str, license_ids: list[str], rows: int, days: int = 30) -> float:
    """``rows`` seat events (``rows / 2`` sessions) over ``days`` days; seconds taken."""
    started = time.monotonic()
    pairs = rows // 2
    step = 1_000_000
    for first in range(0, pairs, step):
        last = min(pairs, first + step) - 1
        db.execute(
            """
            INSERT INTO analytics_seatevent (kind, seats_used, session_started_at, at,
                license_id, org_id, project_id, session_id, user_id)
            SELECT e.kind, (p * 7919) %% 1000,
                   CASE WHEN e.kind = 'release' THEN s.start END,
                   CASE WHEN e.kind = 'release'
                        THEN s.start + make_interval(mins => (p %% 120)::int + 1)
                        ELSE s.start END,
                   l.id, %(org)s::uuid, NULL, md5('bench-session-' || p)::uuid, NULL
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS p
            CROSS JOIN LATERAL (
                SELECT now() - make_interval(days => %(days)s)
                       + make_interval(secs => p * %(span)s) AS start) AS s
            CROSS JOIN (VALUES ('acquire'), ('release')) AS e(kind)
            JOIN unnest(%(lics)s::uuid[]) WITH ORDINALITY AS l(id, ord)
              ON l.ord = (p %% %(n)s) + 1
            """,
            {
                "org": org_id,
                "first": first,
                "last": last,
                # Leave two hours at the end so every release is in the past.
                "span": (days * 86400 - 7200) / pairs,
                "days": days,
                "lics": license_ids,
                "n": len(license_ids),
            },
        )
    db.execute("ANALYZE analytics_seatevent")
    return time.monotonic() - started


def rollup_usage(env: dict[str, str]) -> float:
    """Roll up every closed hour of the seeded usage, with the API's environment;
    seconds taken."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(BACKEND / "manage.py"), "rollup_usage"],
        env=env,
        check=True,
        cwd=REPO,
        timeout=3600,
    )
    # A whole history rolled up at once is a bulk load: fresh statistics, as
    # autovacuum gives a production database within a minute or so. Without them the
    # planner reads one license's hours through the (org, dimension, hour) index, all
    # licenses' rows, 300 ms instead of 1 ms.
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
        db.execute("ANALYZE analytics_usagehour")
    return time.monotonic() - started


def api_token(db: Any, org_id: str, pepper: str) -> str:
    """An owner API token of the organization, inserted as the app stores one."""
    raw = f"cot_bench_{uuid.uuid4().hex}"
    db.execute(
        "INSERT INTO tenants_apitoken (id, org_id, name, role, prefix, digest, created_at, "
        "created_by_id, last_used_at, revoked_at) "
        "VALUES (%s, %s, 'bench', 'owner', %s, %s, now(), NULL, NULL, NULL)",
        (uuid.uuid4(), org_id, raw[:12], key_digest(raw, pepper)),
    )
    return raw


def cursor_page(client: httpx.Client, path: str, number: int) -> str:
    """The address of page ``number`` of a cursor-paginated list."""
    for _ in range(number - 1):
        path = client.get(path).raise_for_status().json()["next"]
    return path


def measure(
    api_url: str, token: str, org_slug: str, license_id: str, runs: int, heavy_runs: int = 3
) -> list[dict[str, Any]]:
    org = f"/api/v1/orgs/{org_slug}"
    lic = f"{org}/licenses/{license_id}"
    reads = [
        ("license list (page 1 of 50, seats in use from Redis)", f"{org}/licenses"),
        ("license list, page 10", f"{org}/licenses?page=10"),
        ("sessions of one license (page 1)", f"{lic}/sessions"),
        ("sessions of the organization (page 1)", f"{org}/sessions"),
        # Cursor pages: page 100 is reached by following ``next`` 99 times.
        ("sessions of the organization, page 100", (f"{org}/sessions", 100)),
        ("utilization of one license, 24 h by hour (default)", f"{lic}/utilization"),
        ("utilization of one license, 30 days by day", f"{lic}/utilization?bucket=day"),
        ("utilization of the organization, 24 h by hour (default)", f"{org}/analytics/utilization"),
        (
            "utilization of the organization, 30 days by day",
            f"{org}/analytics/utilization?bucket=day",
        ),
        ("usage breakdown by project, 30 days (default)", f"{org}/analytics/breakdown?by=project"),
    ]
    results = []
    with httpx.Client(
        base_url=api_url, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT_S
    ) as client:
        for name, read in reads:
            path = read if isinstance(read, str) else None
            row: dict[str, Any] = {"name": name, "path": path, "source": "API endpoint"}
            try:
                if path is None:
                    path = cursor_page(client, *read)
                    row["path"] = path.removeprefix(api_url)
                first = time.perf_counter()
                reply = client.get(path)
                first = time.perf_counter() - first
                row["status"] = reply.status_code
                if reply.status_code != 200:
                    row["error"] = f"HTTP {reply.status_code}: {reply.text[:200]}"
                    results.append(row)
                    continue
                row["bytes"] = len(reply.content)
                # A read that takes seconds is measured a few times, not thirty.
                n = runs if first < 2 else heavy_runs
                samples = []
                for _ in range(n):
                    t = time.perf_counter()
                    client.get(path).raise_for_status()
                    samples.append((time.perf_counter() - t) * 1000)
            except httpx.TimeoutException:
                # The server goes on computing it; the heavy reads come last for that.
                row["error"] = f"no answer within {TIMEOUT_S} s"
                row["p95_ms"] = row["p50_ms"] = float(TIMEOUT_S * 1000)
                row["runs"] = 0
                results.append(row)
                continue
            except httpx.HTTPError as exc:
                row["error"] = repr(exc)
                results.append(row)
                continue
            samples.sort()
            row.update(
                runs=n,
                p50_ms=statistics.median(samples),
                p95_ms=samples[min(n - 1, round(0.95 * (n - 1)))],
                max_ms=samples[-1],
            )
            results.append(row)
    return results
