"""Bodies of the seat protocol and the management of licenses' seats.

The seat endpoints are the hot path (every client starts with an acquire and beats
every two minutes): ``acquire_input`` and ``session_input`` accept the common,
plainly valid bodies without instantiating a serializer (each instance deep-copies its
declared fields: a tenth of a heartbeat's CPU), and hand everything else to the
serializer, so every accepted value and every error is exactly the serializer's
(``test_seat_input.py`` compares the two on generated bodies).
"""

from typing import Any

from rest_framework import serializers

# A secret of ours is 73 characters (licenses.session_secrets); room for a format change.
SESSION_SECRET_MAX_LENGTH = 128


class _Text(serializers.CharField):
    """Printable text only: control characters in identifiers are refused, not stored."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise serializers.ValidationError("Control characters are not allowed.")
        return value


class AcquireInputSerializer(serializers.Serializer):
    license_key = serializers.CharField(max_length=128, trim_whitespace=True)
    hardware_id = _Text(max_length=128)
    client_instance = _Text(max_length=64, required=False, default="", allow_blank=True)
    client_info = serializers.DictField(required=False, default=dict)

    def validate_client_info(self, value: dict) -> dict:
        if len(value) > 20 or len(repr(value)) > 2048:
            raise serializers.ValidationError("client_info holds at most 20 fields and 2 KiB.")
        return value


class AcquireOutputSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_secret = serializers.CharField(
        help_text="Proves the session on heartbeat and release. Shown this once: every "
        "acquire issues a new one and the previous one stops working."
    )
    token = serializers.CharField(help_text="Signed license token (JWT); verify with the JWKS.")
    expires_at = serializers.DateTimeField()
    heartbeat_interval = serializers.IntegerField()
    heartbeat_ttl = serializers.IntegerField()
    seats_total = serializers.IntegerField()
    seats_used = serializers.IntegerField()
    license_id = serializers.UUIDField()
    license_expires_at = serializers.DateTimeField(allow_null=True)
    offline_grace = serializers.IntegerField()


class SessionInputSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_secret = serializers.CharField(
        max_length=SESSION_SECRET_MAX_LENGTH,
        help_text="The session_secret of the session's latest acquire.",
    )


class HeartbeatOutputSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    expires_at = serializers.DateTimeField()
    heartbeat_interval = serializers.IntegerField()


class ReleaseOutputSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    released = serializers.BooleanField()


class JwksSerializer(serializers.Serializer):
    keys = serializers.ListField(child=serializers.DictField())


_SESSION_ID = serializers.UUIDField()
_SESSION_SECRET = SessionInputSerializer().fields["session_secret"]
_ACQUIRE_DEFAULTS = {"client_instance": "", "client_info": {}}
_ACQUIRE_LIMITS = {"license_key": 128, "hardware_id": 128, "client_instance": 64}


def _plain_text(value: Any, limit: int) -> str | None:
    """``value`` trimmed, if it is text the serializer would take as it is (printable
    ASCII within the limit); None sends the body to the serializer."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > limit or not value.isascii() or not value.isprintable():
        return None
    return value


def _plain_client_info(value: Any) -> dict | None:
    if not isinstance(value, dict) or len(value) > 20:
        return None
    return value if len(repr(value)) <= 2048 else None


def acquire_input(data: Any) -> dict[str, Any]:
    """The validated acquire body: ``AcquireInputSerializer``'s ``validated_data``."""
    if isinstance(data, dict):
        fast: dict[str, Any] = {}
        for name, limit in _ACQUIRE_LIMITS.items():
            if name in data:
                fast[name] = _plain_text(data[name], limit)
            else:
                fast[name] = _ACQUIRE_DEFAULTS.get(name)
        info = data.get("client_info", {})
        fast["client_info"] = _plain_client_info(info)
        if fast["license_key"] and fast["hardware_id"] and None not in fast.values():
            return {**fast, "client_info": dict(info)}
    checked = AcquireInputSerializer(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def session_input(data: Any) -> tuple[str, str]:
    """The validated ``{"session_id": uuid, "session_secret": text}`` of heartbeat and
    release: the id as text and the secret."""
    if isinstance(data, dict) and "session_id" in data and "session_secret" in data:
        try:
            return (
                str(_SESSION_ID.to_internal_value(data["session_id"])),
                _SESSION_SECRET.run_validation(data["session_secret"]),
            )
        except serializers.ValidationError:
            pass
    checked = SessionInputSerializer(data=data)
    checked.is_valid(raise_exception=True)
    return str(checked.validated_data["session_id"]), checked.validated_data["session_secret"]
