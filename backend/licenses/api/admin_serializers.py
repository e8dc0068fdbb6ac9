"""Input and output of the license administration endpoints (``/api/v1/orgs/{org}/…``)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from licenses.models import License, LicenseAssignment, LicenseSession
from licenses.seat_policy import OVERAGE_PERCENTAGES, over_limit
from licenses.selectors import LICENSE_STATUSES, license_status

_MAX_SEATS = 1_000_000
_MAX_TTL = 86400
_MAX_GRACE = 30 * 86400


class LicenseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LICENSE_STATUSES, required=False)
    project = serializers.UUIDField(required=False, help_text="Licenses of this project.")
    expiring_before = serializers.DateTimeField(
        required=False, help_text="Licenses that expire before this instant (ISO 8601)."
    )
    search = serializers.CharField(
        required=False, max_length=200, help_text="Name contains, or key prefix starts with."
    )


class ProjectSeatsSerializer(serializers.Serializer):
    """Seats of a license kept for one project or group of people, and the most it may
    hold. A rule names either a project or a group."""

    project = serializers.UUIDField(
        required=False, allow_null=True, help_text="A project of the organization."
    )
    group = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A group of people of the organization: its people's own acquires count "
        "against it (the first group rule holding the person, in rule order).",
    )
    slug = serializers.CharField(
        read_only=True, help_text="The project's or group's slug (clients name projects by it)."
    )
    reserved = serializers.IntegerField(
        min_value=0,
        max_value=_MAX_SEATS,
        default=0,
        help_text="Seats only this project's clients (or this group's people) can take, "
        "even when the rest are full.",
    )
    cap = serializers.IntegerField(
        min_value=0,
        max_value=_MAX_SEATS,
        allow_null=True,
        default=None,
        help_text="The most seats this project or group may hold at once; null for no cap.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("project")) == bool(attrs.get("group")):
            raise serializers.ValidationError("Name a project or a group.")
        return attrs

    def to_representation(self, rule: Any) -> dict[str, Any]:
        # A rule shows the one it names: a project's rule reads as it always has.
        return {k: v for k, v in super().to_representation(rule).items() if k in rule}


class LicenseSerializer(serializers.ModelSerializer):
    """A license as admins see it; ``seats_used`` comes from the seat store."""

    status = serializers.SerializerMethodField()
    seats_used = serializers.SerializerMethodField()
    seats_over = serializers.SerializerMethodField()
    heartbeat_interval = serializers.IntegerField(read_only=True)
    overage_allowance = serializers.IntegerField(
        read_only=True, help_text="Extra seats past seats_total the overage setting allows."
    )
    project_seats = ProjectSeatsSerializer(many=True, read_only=True)
    in_grace = serializers.SerializerMethodField()
    grace_ends_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = License
        fields = [
            "id",
            "name",
            "key_prefix",
            "status",
            "kind",
            "seats_total",
            "seats_used",
            "expires_at",
            "heartbeat_ttl",
            "heartbeat_interval",
            "offline_grace",
            "queue_enabled",
            "queue_max_length",
            "queue_ticket_ttl",
            "max_borrow_hours",
            "max_borrowed_seats",
            "is_active",
            "is_suspended",
            "project",
            "assignment",
            "max_machines_per_person",
            "person_limit_action",
            "overage_kind",
            "overage_value",
            "overage_allowance",
            "seats_over",
            "project_seats",
            "grace_days",
            "grace_ends_at",
            "in_grace",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=LICENSE_STATUSES))
    def get_status(self, license_: License) -> str:
        return license_status(license_)

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True, help_text="Seats held now; null if the seat store is unreachable."
        )
    )
    def get_seats_used(self, license_: License) -> int | None:
        return self.context.get("seats_used", {}).get(str(license_.id))

    @extend_schema_field(
        serializers.IntegerField(
            help_text="Seats in use past what the license allows now (after seats_total or "
            "the overage was lowered): they run until their sessions end; no new seat is "
            "granted until the count is under."
        )
    )
    def get_seats_over(self, license_: License) -> int:
        return over_limit(license_, self.get_seats_used(license_))

    @extend_schema_field(
        serializers.BooleanField(help_text="Expired, and acquires succeed within the grace days.")
    )
    def get_in_grace(self, license_: License) -> bool:
        return license_.in_grace()


class LicenseKeySerializer(serializers.Serializer):
    """A license with its key: the answer of create and rotate-key, the key's only showing."""

    license = LicenseSerializer()
    license_key = serializers.CharField(help_text="The license key. Shown this once: store it.")


class LicenseWriteSerializer(serializers.Serializer):
    """Create (``name`` and ``seats_total`` required) and update (any subset)."""

    name = serializers.CharField(max_length=200)
    seats_total = serializers.IntegerField(
        min_value=1,
        max_value=_MAX_SEATS,
        help_text="May go below the seats in use: live sessions keep running, and no "
        "new seat is granted until fewer than this are in use.",
    )
    project = serializers.UUIDField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    heartbeat_ttl = serializers.IntegerField(
        required=False,
        min_value=2,
        max_value=_MAX_TTL,
        help_text="Seconds without a heartbeat before a seat is reclaimed. A change applies "
        "to new sessions.",
    )
    offline_grace = serializers.IntegerField(required=False, min_value=0, max_value=_MAX_GRACE)
    assignment = serializers.ChoiceField(
        choices=License.Assignment.choices,
        required=False,
        help_text="`open`: any member may hold a seat as a person; `assigned`: only the "
        "people assigned to it. License-key machines are not people: either way they may.",
    )
    max_machines_per_person = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=1000,
        help_text="How many machines one person may hold seats on at once; null: no cap.",
    )
    person_limit_action = serializers.ChoiceField(
        choices=License.PersonLimitAction.choices,
        required=False,
        help_text="At the cap: `refuse` the next machine (409 `person_seat_limit`) or "
        "`evict_oldest` (the person's oldest session ends; its next heartbeat gets 410).",
    )
    overage_kind = serializers.ChoiceField(
        choices=License.OverageKind.choices,
        required=False,
        help_text="none: never past seats_total; percent: overage_value % more (25, 50 or "
        "100); seats: overage_value extra seats. Grants past seats_total are marked overage.",
    )
    overage_value = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=_MAX_SEATS,
        help_text=f"The percentage ({', '.join(map(str, OVERAGE_PERCENTAGES))}) or the number "
        "of extra seats.",
    )
    grace_days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=365,
        help_text="Days after expires_at during which acquires still succeed, marked grace.",
    )
    project_seats = ProjectSeatsSerializer(
        many=True,
        required=False,
        help_text="Reservations and caps per project and per group of people; replaces the "
        "whole list. Reservations add up to at most seats_total.",
    )
    queue_enabled = serializers.BooleanField(
        required=False,
        help_text="A full license lets clients that ask to wait join a FIFO line; a freed "
        "seat goes to the head of the line, never to a newcomer.",
    )
    queue_max_length = serializers.IntegerField(
        required=False, min_value=0, max_value=100_000, help_text="Longest line; 0: no limit."
    )
    queue_ticket_ttl = serializers.IntegerField(
        required=False,
        min_value=5,
        max_value=3600,
        help_text="Seconds a waiter may go without asking again before it leaves the line.",
    )
    max_borrow_hours = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=24 * 365,
        help_text="Longest offline checkout (borrow) in hours; 0 turns borrowing off.",
    )
    max_borrowed_seats = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=_MAX_SEATS,
        help_text="Seats that may be borrowed at once; 0: any of them.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and not attrs:
            raise serializers.ValidationError("Nothing to change.")
        return attrs


class LicenseRenewSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField(help_text="The new expiry, later than the current one.")


class SessionFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LicenseSession.Status.choices, required=False)
    user = serializers.UUIDField(required=False)
    project = serializers.UUIDField(required=False)
    hardware_id = serializers.CharField(required=False, max_length=128)


class OrgSessionFilterSerializer(SessionFilterSerializer):
    license = serializers.UUIDField(required=False)


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()


class SessionSerializer(serializers.ModelSerializer):
    """A session in words: the person holding it (null for a license-key machine), the
    license's name, the group of people it counted against, and the machine as its
    client described itself (``client_info``: hostname, platform, version)."""

    person = PersonSerializer(source="user", allow_null=True, read_only=True)
    license_name = serializers.CharField(source="license.name", read_only=True)
    group_name = serializers.CharField(
        source="group.name",
        allow_null=True,
        read_only=True,
        help_text="The group of people whose seat rule the seat counted against; null: "
        "the seat counted against its project.",
    )

    class Meta:
        model = LicenseSession
        fields = [
            "id",
            "license",
            "license_name",
            "project",
            "group",
            "group_name",
            "user",
            "person",
            "hardware_id",
            "client_instance",
            "client_info",
            "ip_address",
            "status",
            "started_at",
            "last_heartbeat_at",
            "heartbeat_count",
            "expires_at",
            "ended_at",
            "borrowed_until",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "borrowed_until": {
                "help_text": "A borrowed seat (offline checkout): its token is valid until "
                "then. Revoking it frees the seat but cannot recall a token already "
                "handed out."
            }
        }


class AssignmentSerializer(serializers.ModelSerializer):
    person = PersonSerializer(source="user", read_only=True)

    class Meta:
        model = LicenseAssignment
        fields = ["person", "created_at"]
        read_only_fields = fields


class AssignmentWriteSerializer(serializers.Serializer):
    user = serializers.UUIDField(help_text="A member of the organization (not a viewer).")


class RevokedCountSerializer(serializers.Serializer):
    sessions_ended = serializers.IntegerField()
