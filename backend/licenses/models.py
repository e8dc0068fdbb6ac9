import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from projects.models import Project
from tenants.models import Organization, PersonGroup


def _default_ttl() -> int:
    return settings.DEFAULT_HEARTBEAT_TTL


def _default_offline_grace() -> int:
    return settings.DEFAULT_OFFLINE_GRACE


class License(models.Model):
    """N floating seats an organization bought; the key authenticates clients."""

    class Kind(models.TextChoices):
        FLOATING = "floating"
        NODE_LOCKED = "node_locked"

    class Assignment(models.TextChoices):
        OPEN = "open"
        ASSIGNED = "assigned"

    class PersonLimitAction(models.TextChoices):
        REFUSE = "refuse"
        EVICT_OLDEST = "evict_oldest"

    class OverageKind(models.TextChoices):
        NONE = "none"
        PERCENT = "percent"
        SEATS = "seats"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="licenses")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="licenses"
    )
    name = models.CharField(max_length=200)
    key_digest = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=16)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FLOATING)
    seats_total = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_suspended = models.BooleanField(default=False)
    heartbeat_ttl = models.PositiveIntegerField(
        default=_default_ttl, validators=[MinValueValidator(2), MaxValueValidator(86400)]
    )
    offline_grace = models.PositiveIntegerField(
        default=_default_offline_grace, validators=[MaxValueValidator(30 * 86400)]
    )
    # Who may hold a seat as a person (DESIGN §10): any member, or only the people
    # assigned to it (``LicenseAssignment``). License-key acquires are not people.
    assignment = models.CharField(max_length=10, choices=Assignment.choices, default="open")
    # How many machines one person may hold seats on at once; None: no cap.
    max_machines_per_person = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    # At the cap: refuse the next machine (409 person_seat_limit) or end the person's
    # oldest session and grant the new one.
    person_limit_action = models.CharField(
        max_length=12, choices=PersonLimitAction.choices, default="refuse"
    )
    # Seat policy (licenses.seat_policy): how far past seats_total a grant may go ...
    overage_kind = models.CharField(
        max_length=10, choices=OverageKind.choices, default=OverageKind.NONE
    )
    # ... as a percentage of seats_total (25, 50, 100) or a number of extra seats.
    overage_value = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(1_000_000)]
    )
    # Set while the license is in overage (seats past seats_total): when it went in. It
    # makes an overage episode one overage.started and one overage.ended event
    # (``seat_policy``); nothing else reads it.
    overage_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Per project: seats reserved for it and the most it may hold, as
    # [{"project": id, "slug": slug, "reserved": K, "cap": M or null}]. On the license
    # row, not a table of its own, so acquire reads it with the license (license_cache).
    project_seats = models.JSONField(default=list, blank=True)
    # Days after expires_at during which acquires still succeed, marked "grace".
    grace_days = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(365)])
    # The line (issue 21): when on, a full license lets asking clients wait their turn
    # and a freed seat goes to the head of the line, never to a newcomer.
    queue_enabled = models.BooleanField(default=False, db_default=False)
    # Longest line; 0 means no limit beyond the seat store's.
    queue_max_length = models.PositiveIntegerField(
        default=100, db_default=100, validators=[MaxValueValidator(100_000)]
    )
    # A waiter that does not poll within this many seconds leaves the line.
    queue_ticket_ttl = models.PositiveIntegerField(
        default=60, db_default=60, validators=[MinValueValidator(5), MaxValueValidator(3600)]
    )
    # Borrow (offline checkout, issue 21): the longest a seat may be checked out for
    # (FlexLM's default, 168 h; 0 turns borrowing off) and how many seats may be out
    # at once (0: any of them). Database defaults too, so bulk SQL writers (the bench's
    # seeder) need not name them.
    max_borrow_hours = models.PositiveIntegerField(
        default=168, db_default=168, validators=[MaxValueValidator(24 * 365)]
    )
    max_borrowed_seats = models.PositiveIntegerField(
        default=0, db_default=0, validators=[MaxValueValidator(1_000_000)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [models.Index(fields=["org", "created_at"], name="license_org_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def heartbeat_interval(self) -> int:
        # A third of the TTL: two heartbeats may be lost before the seat is.
        return max(1, self.heartbeat_ttl // 3)

    @property
    def overage_allowance(self) -> int:
        """Extra seats past ``seats_total`` (a percentage rounds down: 25 % of 25 is 6)."""
        if self.overage_kind == self.OverageKind.PERCENT:
            return self.seats_total * self.overage_value // 100
        if self.overage_kind == self.OverageKind.SEATS:
            return self.overage_value
        return 0

    @property
    def grace_ends_at(self) -> datetime | None:
        if self.expires_at is None:
            return None
        return self.expires_at + timedelta(days=self.grace_days)

    def in_grace(self, at: datetime | None = None) -> bool:
        """Past ``expires_at`` but within the grace period: acquires succeed, marked."""
        now = at or timezone.now()
        return self.expires_at is not None and self.expires_at <= now < self.grace_ends_at

    def invalid_reason(self, at: datetime | None = None) -> str | None:
        """The error code that refuses this license now, or None if it is usable."""
        if not self.is_active:
            return "license_inactive"
        if self.is_suspended:
            return "license_suspended"
        if self.expires_at is not None and self.grace_ends_at <= (at or timezone.now()):
            return "license_expired"
        return None

    def is_valid(self, at: datetime | None = None) -> bool:
        return self.invalid_reason(at) is None


class LicenseSession(models.Model):
    """One running client holding (or having held) a seat.

    Named ``LicenseSession`` so it reads clearly beside ``django.contrib.sessions``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active"
        RELEASED = "released"
        EXPIRED = "expired"
        ZOMBIE = "zombie"
        REVOKED = "revoked"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No single-column indexes on org and license: the composite indexes below start
    # with them, and every index is one more write on the acquire path.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="sessions", db_index=False
    )
    license = models.ForeignKey(
        License, on_delete=models.CASCADE, related_name="sessions", db_index=False
    )
    # Indexed only where set (see Meta): most sessions have no project or user, and
    # every index entry is a write on the acquire path.
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="license_sessions",
        db_index=False,
    )
    # The group of people the seat counted against (a group rule of the license's seat
    # policy, ``licenses.seat_policy``), else null: the seat counts against ``project``.
    # Kept so a Redis rebuild puts the seat back in the group's count.
    group = models.ForeignKey(
        PersonGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    hardware_id = models.CharField(max_length=128)
    client_instance = models.CharField(max_length=64, blank=True)
    # The seat store's member: hardware id plus client instance, plus the person for a
    # person's acquire (idempotency key).
    member = models.CharField(max_length=255)
    client_info = models.JSONField(default=dict, blank=True)
    # Keyed digest of the session secret (licenses.session_secrets); never the secret.
    secret_digest = models.CharField(max_length=64, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_at = models.DateTimeField()
    last_heartbeat_at = models.DateTimeField()
    heartbeat_count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # Set on a borrowed seat (offline checkout): its token is valid until then, with no
    # heartbeats; an admin's revoke cannot recall it, so the seat counts until then.
    borrowed_until = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(org="org")

    class Meta:
        db_table = "licenses_session"
        constraints = [
            # The database's own guard against a second live session per fingerprint.
            models.UniqueConstraint(
                fields=["license", "member"],
                condition=Q(status="active"),
                name="uniq_active_session_per_member",
            )
        ]
        indexes = [
            # The reaper's scan: only live rows past expiry, so its cost follows
            # the number of expired sessions, not of all sessions.
            models.Index(
                fields=["expires_at"], condition=Q(status="active"), name="session_live_expiry"
            ),
            models.Index(fields=["license", "status", "started_at"], name="session_license_status"),
            models.Index(fields=["org", "started_at"], name="session_org_started"),
            # For SET NULL when a project or user is deleted.
            models.Index(
                fields=["project"], condition=Q(project__isnull=False), name="session_project"
            ),
            # For SET NULL when a group of people is deleted.
            models.Index(fields=["group"], condition=Q(group__isnull=False), name="session_group"),
            # A person's sessions, newest first (their page); also serves SET NULL.
            models.Index(
                fields=["user", "started_at"],
                condition=Q(user__isnull=False),
                name="session_user_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    def is_heartbeat_alive(self, at: datetime | None = None) -> bool:
        """Alive by the database's view (which lags Redis by the write-behind period)."""
        return self.status == self.Status.ACTIVE and self.expires_at > (at or timezone.now())


class SeatLease(models.Model):
    """The SQL seat store's seat table: one row per member holding a seat.

    Internal to ``SqlSeatStore``; it carries ``org`` like every tenant-owned
    table so it distributes with the organization's rows.
    """

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="+")
    member = models.CharField(max_length=255)
    holder = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    secret_digest = models.CharField(max_length=64, blank=True, default="")
    # The person holding the seat ("" for a license-key machine) and when it was
    # granted: the per-person cap counts by the first, evicts the oldest by the second.
    person = models.CharField(max_length=64, blank=True, default="")
    granted_at = models.DateTimeField(null=True, blank=True)
    # The project the seat counts against (reservations and caps), "" for none.
    project = models.CharField(max_length=64, blank=True, default="")
    # A borrowed seat (offline checkout): counted against the borrow cap.
    borrowed = models.BooleanField(default=False, db_default=False)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["license", "member"], name="uniq_lease_member")
        ]
        indexes = [
            models.Index(fields=["license", "expires_at"], name="lease_license_expiry"),
            models.Index(
                fields=["license", "person"], condition=~Q(person=""), name="lease_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.license_id}:{self.member}"


class LicenseAssignment(models.Model):
    """A person who may use an ``assigned`` license. Written only by
    ``licenses.services.assignments`` (audited); unassigning ends their sessions."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="license_assignments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["license", "user"], name="uniq_license_assignment")
        ]
        indexes = [models.Index(fields=["user", "org"], name="assignment_user_org")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.license_id}"


class LicenseExpiryWarning(models.Model):
    """An expiry warning sent to the organization's admins: one per license, threshold
    (30, 7 or 1 days before) and expiry date, so a warning is never sent twice and a
    renewal (a new date) starts the warnings over."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    expires_at = models.DateTimeField()
    recipients = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["license", "days_before", "expires_at"], name="uniq_expiry_warning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.license_id} -{self.days_before}d"


class SeatTicket(models.Model):
    """The SQL seat store's line of waiters (issue 21): one row per waiting member, in
    arrival order (the id), changed only under the license row lock like ``SeatLease``.
    A ticket leaves the line when it is granted, cancelled, or not polled by its
    ``deadline``."""

    id = models.BigAutoField(primary_key=True)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="+")
    # As long as a seat's member: a person's (machine, instance and person) waits too.
    member = models.CharField(max_length=255)
    ticket = models.CharField(max_length=64, unique=True)
    joined_at = models.DateTimeField()
    deadline = models.DateTimeField()

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["license", "member"], name="uniq_ticket_member")
        ]
        indexes = [models.Index(fields=["license", "id"], name="ticket_license_order")]

    def __str__(self) -> str:
        return f"{self.license_id}:{self.member} #{self.id}"


class SeatWait(models.Model):
    """One wait in a license's line that ended with a seat or a cancel: what the
    analytics of waits (p50/p95 per license per day) read. Written off the plain acquire
    path: only an acquire that came from the line, or a cancel, writes one."""

    class Outcome(models.TextChoices):
        GRANTED = "granted"
        CANCELLED = "cancelled"

    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    license = models.ForeignKey(
        License, related_name="+", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    waited = models.FloatField(help_text="Seconds in the line.")
    at = models.DateTimeField()

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [
            models.Index(fields=["license", "at"], name="seatwait_license_at"),
            models.Index(fields=["org", "at"], name="seatwait_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.license_id} {self.waited:.1f}s"


class SigningKey(models.Model):
    """A public key that verifies license tokens; global (not tenant-owned)."""

    class State(models.TextChoices):
        # A root published in the JWKS that does not certify yet (a rotation's first step).
        NEXT = "next"
        ACTIVE = "active"
        RETIRED = "retired"

    class Role(models.TextChoices):
        # The long-lived key (a file, a PKCS#11 token or Cloud KMS) that certifies...
        ROOT = "root"
        # ...the short-lived Ed25519 keys of API processes, which sign tokens.
        ONLINE = "online"

    kid = models.CharField(max_length=64, primary_key=True)
    algorithm = models.CharField(max_length=10)
    public_jwk = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ROOT)
    # A root's backend (file, pkcs11, gcp-kms) and where its key lives there.
    backend = models.CharField(max_length=10, blank=True)
    reference = models.CharField(max_length=500, blank=True)
    # An online key's root.
    certified_by = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # Published in the JWKS until then: the longest a token it signed can live.
    verify_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kid} ({self.algorithm}, {self.state})"


# A reference that is not a constraint: events outlive what they describe.
_REFERENCE = {"on_delete": models.DO_NOTHING, "db_constraint": False, "db_index": False}


class SeatEvent(models.Model):
    """One thing that happened to a seat: an append-only event table.

    The ledger of the seat protocol: written only by ``licenses.services.session_rows``
    (one row per session start, per session end and per refused acquire), never updated
    or deleted (except with its organization); read by the ``analytics`` app. Its table
    keeps the name it had when it belonged to ``analytics``.
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

    Closed hours are rolled up into ``UsageHour`` (``analytics.services.usage_rollup``,
    a Celery beat task): hour and day buckets read the rollup, and only the hours not
    rolled up yet (and minute buckets) read raw events. Next at scale: partition this
    table by month (PostgreSQL declarative partitioning, or Citus time partitions
    distributed by ``org_id``) and drop raw partitions past the retention period.
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
        db_table = "analytics_seatevent"
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
