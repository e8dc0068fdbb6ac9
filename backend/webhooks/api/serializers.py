from rest_framework import serializers

from events import types as event_types
from webhooks.models import (
    NotificationPreference,
    UtilizationLevel,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        help_text=(
            "Event types or patterns: `license.created`, `license.*`, `*`. Known types: "
            + ", ".join(sorted(event_types.EVENT_TYPES))
            + "."
        ),
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "is_enabled",
            "disabled_reason",
            "disabled_at",
            "secret_prefix",
            "previous_secret_expires_at",
            "failing_since",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "disabled_reason",
            "disabled_at",
            "secret_prefix",
            "previous_secret_expires_at",
            "failing_since",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"description": {"required": False}, "is_enabled": {"required": False}}


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (`whsec_…`): shown this once only."
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class RotateSecretSerializer(serializers.Serializer):
    overlap_seconds = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=7 * 24 * 3600,
        help_text="How long the previous secret keeps signing too (default: a day).",
    )


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "trigger",
            "started_at",
            "succeeded",
            "status_code",
            "latency_ms",
            "response_excerpt",
            "error",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(read_only=True)
    event_id = serializers.UUIDField(source="event.id", read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "retry_until",
            "last_status_code",
            "created_at",
            "completed_at",
            "attempt_log",
        ]
        read_only_fields = fields


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    description = serializers.CharField()
    opt_in = serializers.BooleanField(help_text="High volume: written only when subscribed.")


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = ["utilization", "denials_digest", "license_expiring", "endpoint_disabled"]
        extra_kwargs = {name: {"required": False} for name in fields}


class UtilizationThresholdsSerializer(serializers.ModelSerializer):
    thresholds = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=1000),
        max_length=10,
        help_text="Percentages of the license's seats (e.g. [80, 90, 100]); empty: the "
        "deployment's default (UTILIZATION_THRESHOLDS).",
    )
    level = serializers.IntegerField(
        read_only=True, help_text="The highest threshold the license is at now (0: none)."
    )

    class Meta:
        model = UtilizationLevel
        fields = ["thresholds", "level"]
