from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from licenses.models import License, LicenseSession
from projects.models import Project
from tenants.models import Organization

# A reference that is not a constraint: events outlive what they describe.
_REFERENCE = {"on_delete": models.DO_NOTHING, "db_constraint": False, "db_index": False}


class SeatEvent(models.Model):
    """One thing that happened to a seat: an append-only event table.

    Written by ``licenses.services`` (one row per session start, per session end and
    per refused acquire), never updated or deleted (except with its organization).
    ``at`` is the seat store's clock (Redis ``TIME`` or the database's ``now()``), the
    same clock the session's ``started_at``/``ended_at`` come from.

    Reads are time-window index scans: ``(license, at)`` for one license,
    ``(org, at)`` for an organization; ``analytics.selectors`` turns the events of a
    window into session intervals and buckets them. ``session_started_at`` on end
    events lets a session that began before the window be measured without looking
    back further than the window itself.

    The references to license, session, project and user are plain columns (no
    database constraint, nothing cascades): events outlive what they describe, a
    deleted license keeps its history in the organization's totals, and deleting a
    license never has to touch millions of event rows.

    At ~10 M rows: add an hourly rollup (org, license, project, hour, peak_in_use,
    seat_seconds, acquires, denials, sessions live at the hour's start) written by a
    Celery beat task for each closed hour; hour and day buckets read the rollup and
    only the open hour (and minute buckets) read raw events. Partition this table by
    month (PostgreSQL declarative partitioning, or Citus time partitions distributed
    by ``org_id``) and drop raw partitions past the retention period.
    """

    class Kind(models.TextChoices):
        ACQUIRE = "acquire"  # a new seat was granted (a new session)
        RELEASE = "release"  # the client released it
        EXPIRE = "expire"  # its TTL passed: reclaimed by the reaper or an acquire
        REVOKE = "revoke"  # an admin ended it (revoke, suspend, delete)
        DENY = "deny"  # an acquire was refused: every seat in use (409)

    END_KINDS = (Kind.RELEASE, Kind.EXPIRE, Kind.REVOKE)

    # No single-column indexes: the two composite ones below serve every read, and
    # each index is a write on the acquire path.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    license = models.ForeignKey(License, related_name="+", **_REFERENCE)
    project = models.ForeignKey(Project, null=True, related_name="+", **_REFERENCE)
    session = models.ForeignKey(LicenseSession, null=True, related_name="+", **_REFERENCE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, related_name="+", **_REFERENCE)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The seat store's count of the license's seats right after the event.
    seats_used = models.PositiveIntegerField()
    # End events only: when the session that ended had started.
    session_started_at = models.DateTimeField(null=True)
    at = models.DateTimeField()

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [
            models.Index(fields=["license", "at"], name="seatevent_license_at"),
            models.Index(fields=["org", "at"], name="seatevent_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.license_id} @ {self.at.isoformat()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("Seat events are append-only.")
        super().save(*args, **kwargs)
