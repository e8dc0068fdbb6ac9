"""Seat policy of a license: overage, reservations and caps per project and per group
of people.

The rules themselves run inside the one atomic seat step (``seatstore.lua._SEAT_POLICY``
and ``seatstore.sql_store._seat_policy_admits``); this module turns a license and the
asker's project into the ``SeatTerms`` they read, checks an admin's settings, and is
the one place where a grant into overage is noticed.

- Overage: grants past ``seats_total`` up to ``License.overage_allowance`` (a percentage
  of the seats, rounded down, or a number of seats), each marked ``overage``.
- Reservations: K seats of a license kept for a project; others can take at most the
  limit minus every reservation's unused part. The sum of reservations never exceeds
  ``seats_total`` (checked on every change, a lower ``seats_total`` included).
- Caps: a project never holds more than M seats of the license.
- Groups of people: a rule may name a group (``{"group": id, ...}``) instead of a
  project, with the same reservation and cap. The seat store knows a group as one more
  project, under ``group_bucket(id)``, so the seat step has one rule for both.
- A seat counts against exactly one of them. A person's acquire: the first group rule
  of the license (in rule order) whose group holds the person, else as below. Any other
  acquire (and a person in none of the groups): the project named in the acquire, else
  the license's project. A license-key acquire never counts against a group.
"""

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from core.actor import Actor
from events import types as event_types
from events.services import event_record
from licenses.models import License
from licenses.seatstore.base import SeatTerms, group_bucket

logger = logging.getLogger(__name__)

OVERAGE_PERCENTAGES = (25, 50, 100)


def rule_bucket(rule: Mapping[str, Any]) -> str:
    """The seat count a rule governs: its project's id, or its group's bucket."""
    return rule["project"] if rule.get("project") else group_bucket(rule["group"])


def group_rule_ids(license_: License) -> list[str]:
    """The groups of people the license's rules name, in rule order (none: a person's
    acquire reads no group)."""
    return [r["group"] for r in license_.project_seats if r.get("group")]


def person_group(license_: License, person_groups: Collection[str]) -> str:
    """The group a person's seat counts against: the first group rule (in rule order)
    whose group is among ``person_groups`` (the person's), "" for none."""
    return next((g for g in group_rule_ids(license_) if g in person_groups), "")


def seat_terms(license_: License, project_id: str, group_id: str = "") -> SeatTerms:
    """The terms of one acquire of ``license_`` by a client of ``project_id`` ("" none),
    or, for a person's acquire, of the group ``person_group`` chose ("" none): a seat
    counts against one of them, the group when there is one."""
    rules = license_.project_seats
    bucket = group_bucket(group_id) if group_id else project_id
    if not rules and not license_.overage_value:
        return SeatTerms(seats_total=license_.seats_total, project=bucket)
    reserved = {rule_bucket(r): r["reserved"] for r in rules if r.get("reserved")}
    cap = next((r.get("cap") for r in rules if rule_bucket(r) == bucket), None)
    return SeatTerms(
        seats_total=license_.seats_total,
        allowance=license_.overage_allowance,
        project=bucket,
        reserved=reserved,
        cap=cap,
    )


def project_by_slug(license_: License, slug: str) -> str | None:
    """The id of a project named in the license's rules, without a query."""
    return next(
        (r["project"] for r in license_.project_seats if r.get("project") and r["slug"] == slug),
        None,
    )


def _rule_name(rule: Mapping[str, Any]) -> str:
    kind = "project" if rule.get("project") else "group"
    return f"{kind} {rule.get('slug') or rule.get(kind)}"


@dataclass(frozen=True)
class PolicyProblem:
    """Why a license's settings cannot hold: a field and a sentence for the admin."""

    field: str
    message: str


def policy_problems(
    *, seats_total: int, overage_kind: str, overage_value: int, rules: Iterable[Mapping]
) -> list[PolicyProblem]:
    """Everything that breaks in these settings, in plain words (empty: they hold)."""
    problems: list[PolicyProblem] = []
    if overage_kind == License.OverageKind.PERCENT and overage_value not in OVERAGE_PERCENTAGES:
        problems.append(
            PolicyProblem("overage_value", "A percentage overage is 25, 50 or 100 (%).")
        )
    if overage_kind == License.OverageKind.SEATS and overage_value < 1:
        problems.append(PolicyProblem("overage_value", "Give at least one extra seat."))
    rules = list(rules)
    reserved = sum(r.get("reserved") or 0 for r in rules)
    if reserved > seats_total:
        names = ", ".join(f"{_rule_name(r)} ({r['reserved']})" for r in rules if r.get("reserved"))
        problems.append(
            PolicyProblem(
                "project_seats",
                f"Reservations add up to {reserved} seats but the license has {seats_total}: "
                f"lower these reservations first: {names}.",
            )
        )
    for r in rules:
        cap, kept = r.get("cap"), r.get("reserved") or 0
        if cap is not None and cap < kept:
            problems.append(
                PolicyProblem(
                    "project_seats",
                    f"{_rule_name(r).capitalize()} reserves {kept} seats but is capped at {cap}.",
                )
            )
    return problems


def over_limit(license_: License, seats_used: int | None) -> int:
    """Seats in use past what the license allows now (after a lower ``seats_total`` or
    allowance): they keep running; no new seat is granted until the count is under."""
    if seats_used is None:
        return 0
    return max(0, seats_used - license_.seats_total - license_.overage_allowance)


def overage_observed(license_: License, seats_used: int, notes: Mapping[str, Any]) -> bool:
    """Whether a grant is an overage grant; where a license going into overage is first
    noticed (its first seat past ``seats_total``), which opens the overage episode
    (``overage.started``). ``overages_settle`` closes it, and opens one a crossing here
    missed."""
    overage = bool(notes.get("overage"))
    if overage and seats_used == license_.seats_total + 1:
        _episode_open(license_, seats_used, timezone.now())
    return overage


def overages_settle(counts_of: Callable[[list[str]], Mapping[str, int]]) -> int:
    """Open or close the overage episode of every license with an overage allowance or
    an open episode, from its seats in use now (``counts_of``: the seat store's counts);
    the reaper runs it each pass. Returns how many episodes changed.

    An episode ends when the seats in use are back at ``seats_total``; one that started
    and ended between two passes is seen only by its start and the seat events
    (``analytics.selectors.overage_usage`` reads those)."""
    with scopes_disabled():
        licenses = list(
            License.objects.filter(
                Q(overage_since__isnull=False) | ~Q(overage_kind=License.OverageKind.NONE)
            ).only("id", "org_id", "name", "seats_total", "overage_kind", "overage_value",
                   "overage_since")
        )  # fmt: skip
    if not licenses:
        return 0
    counts = counts_of([str(x.id) for x in licenses])
    changed = 0
    now = timezone.now()
    for license_ in licenses:
        used = counts.get(str(license_.id), 0)
        if license_.overage_since is None and used > license_.seats_total:
            changed += _episode_open(license_, used, now)
        elif license_.overage_since is not None and used <= license_.seats_total:
            changed += _episode_close(license_, used, now)
    return changed


def _overage_data(license_: License, seats_used: int) -> dict[str, Any]:
    return {
        "license": {"id": str(license_.id), "name": license_.name},
        "seats_used": seats_used,
        "seats_total": license_.seats_total,
        "overage_allowance": license_.overage_allowance,
    }


def _episode_open(license_: License, seats_used: int, now: datetime) -> bool:
    # A conditional write: of two acquires or a pass noticing the same crossing, one
    # opens the episode and writes its event.
    with scopes_disabled(), transaction.atomic():
        opened = License.objects.filter(pk=license_.pk, overage_since__isnull=True).update(
            overage_since=now
        )
        if opened:
            logger.info("license %s went into overage", license_.id)
            event_record(
                org_id=license_.org_id,
                type=event_types.OVERAGE_STARTED,
                data=_overage_data(license_, seats_used),
                actor=Actor.system_named("seat"),
            )
    return bool(opened)


def _episode_close(license_: License, seats_used: int, now: datetime) -> bool:
    since = license_.overage_since
    with scopes_disabled(), transaction.atomic():
        closed = License.objects.filter(pk=license_.pk, overage_since=since).update(
            overage_since=None
        )
        if closed:
            logger.info("license %s is back within its seats", license_.id)
            event_record(
                org_id=license_.org_id,
                type=event_types.OVERAGE_ENDED,
                data={
                    **_overage_data(license_, seats_used),
                    "overage_since": since.isoformat(),
                    "seconds": round((now - since).total_seconds()),
                },
                actor=Actor.system_named("seat"),
            )
    return bool(closed)
