import uuid

from django.db import models
from django_scopes import ScopedManager

from tenants.models import Organization


class UsageHour(models.Model):
    """One closed hour of seat usage of one group: the rollup of ``SeatEvent``.

    Written by ``analytics.services.usage_rollup`` for every closed hour, and read by
    ``analytics.selectors`` for hour and day buckets and for the usage breakdown, so
    those reads cost a row per hour instead of every event of the window. A group is a
    ``dimension`` and a ``key``: the organization as a whole (key ``NONE``), one license,
    one project or one user (key ``NONE``: sessions without a project, or without a
    user). A peak is not additive over groups (the organization's peak is not the sum
    of its licenses' peaks), so every group whose peak a read reports is swept on its
    own.

    The numbers are exactly those a sweep of the raw events over the hour gives
    (``selectors.sweep``): peak in use and the first instant it was reached, the area
    under the in-use curve in seat-microseconds, and the events by kind. Hours compose
    exactly: a bucket's peak is the largest of its hours' peaks (first reached in the
    first hour that has it), its area and counts are sums, and the number of sessions
    of a window is ``live_at_start`` of its first hour plus the acquires in it.

    ``live_at_start`` is the number of sessions acquired before the hour and not ended
    before it (a session ending at the very start counts: it overlaps the hour), which
    is also the in-use level the next hour starts from: ``live_at_start + acquires -
    releases - expiries - revocations``. Levels come from the events alone, which
    relies on what ``licenses.services`` guarantees: every session has one ``acquire``
    event at its ``started_at`` and, once it ends, one end event, in the transaction
    that changes the session row.

    A group has a row for an hour only if it had events in it or sessions live at its
    start; no row means nothing happened and nothing was held. Which hours are rolled
    up is ``UsageRollupCursor.rolled_until``, not the presence of rows.

    The hour at the cursor, still open, may have rows too, each with ``until`` set:
    they cover only ``[hour, until)``, the part of the hour that ended the rollup's lag
    before its last run, and are rewritten by every run until the hour closes and its
    whole-hour rows replace them. They let a read of the last hours sweep only the few
    minutes after ``until`` instead of every event since the hour began. Whole hours
    have ``until`` null.
    """

    class Dimension(models.TextChoices):
        ORG = "org"
        LICENSE = "license"
        PROJECT = "project"
        USER = "user"

    # The key of the organization's own total, and of "no project" / "no user".
    NONE = uuid.UUID(int=0)

    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    dimension = models.CharField(max_length=8, choices=Dimension.choices)
    key = models.UUIDField()
    hour = models.DateTimeField()
    live_at_start = models.IntegerField()
    peak_in_use = models.IntegerField()
    peak_at = models.DateTimeField()
    seat_us = models.BigIntegerField(help_text="Seat-microseconds held in the hour.")
    acquires = models.PositiveIntegerField()
    denials = models.PositiveIntegerField()
    releases = models.PositiveIntegerField()
    expiries = models.PositiveIntegerField()
    revocations = models.PositiveIntegerField()
    until = models.DateTimeField(
        null=True, help_text="Open hour only: the row covers [hour, until). Null: the whole hour."
    )

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            # One row per group and hour, whatever runs the rollup and how often.
            models.UniqueConstraint(
                fields=["org", "dimension", "key", "hour"], name="usagehour_group_hour"
            )
        ]
        # The breakdown reads every group of a dimension over a window.
        indexes = [models.Index(fields=["org", "dimension", "hour"], name="usagehour_dim_hour")]

    def __str__(self) -> str:
        return f"{self.dimension} {self.key} @ {self.hour.isoformat()}"


class UsageRollupCursor(models.Model):
    """How far an organization's events are rolled up into ``UsageHour``.

    Every hour before ``rolled_until`` is rolled up (an hour without rows was empty);
    reads take those hours from the rollup and the rest from raw events. The rollup
    holds this row's lock (``SELECT … FOR UPDATE SKIP LOCKED``) while it writes an
    organization's hours, so two rollups never roll the same hours.
    """

    org = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    rolled_until = models.DateTimeField()

    objects = ScopedManager(org="org")

    def __str__(self) -> str:
        return f"{self.org_id} rolled up until {self.rolled_until.isoformat()}"
