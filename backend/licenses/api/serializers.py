"""Bodies of the seat protocol: the specification of its input and output.

The seat endpoints read and write the common bodies without instantiating these
(``licenses.api.fast_path``); every accepted value and every error is still exactly
theirs, which the tests of the fast path compare.
"""

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
    project = _Text(
        max_length=64,
        required=False,
        default="",
        allow_blank=True,
        help_text="Slug of the organization's project this seat counts against (its "
        "reservation and cap); none: the license's project.",
    )
    wait = serializers.BooleanField(
        required=False,
        default=False,
        help_text="On a full license that keeps a line, join it (202 with a ticket) "
        "instead of a 409; ask again the same way to keep the place.",
    )

    def validate_client_info(self, value: dict) -> dict:
        if len(value) > 20 or len(repr(value)) > 2048:
            raise serializers.ValidationError("client_info holds at most 20 fields and 2 KiB.")
        return value


class _PersonSeatInputSerializer(serializers.Serializer):
    """What a person's acquire and borrow bodies share: no license key; the license
    named, else the one assigned to the person."""

    license_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    hardware_id = _Text(max_length=128)
    client_instance = _Text(max_length=64, required=False, default="", allow_blank=True)
    client_info = serializers.DictField(required=False, default=dict)

    def validate_client_info(self, value: dict) -> dict:
        return AcquireInputSerializer().validate_client_info(value)


class PersonAcquireInputSerializer(_PersonSeatInputSerializer):
    """The body of an acquire made with ``Authorization: Bearer <person's access token>``:
    no license key; the license named, else the one assigned to the person."""

    wait = serializers.BooleanField(
        required=False,
        default=False,
        help_text="On a full license that keeps a line, join it (202 with a ticket) "
        "instead of a 409; ask again the same way, from the same machine, to keep the "
        "place.",
    )


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
    overage = serializers.BooleanField(
        help_text="The seat is past seats_total, within the license's overage allowance."
    )
    grace = serializers.BooleanField(
        help_text="The license has expired and is in its grace period: renew it."
    )


class QueuedOutputSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="The place in the line; cancel with it.")
    position = serializers.IntegerField(help_text="1 is the head of the line.")
    line_length = serializers.IntegerField()
    retry_after = serializers.IntegerField(
        help_text="Seconds until the next ask (the same acquire, wait on)."
    )
    ticket_ttl = serializers.IntegerField(
        help_text="A ticket not asked for again within this many seconds leaves the line."
    )
    seats_total = serializers.IntegerField()
    license_id = serializers.UUIDField(
        help_text="The license whose line this is (a person cancels a ticket with it)."
    )


class QueueCancelInputSerializer(serializers.Serializer):
    license_key = serializers.CharField(max_length=128, trim_whitespace=True)
    ticket = serializers.CharField(max_length=64)


class PersonQueueCancelInputSerializer(serializers.Serializer):
    """The body of a cancel made with ``Authorization: Bearer <person's access token>``:
    the license whose line the person waits in, and their ticket."""

    license_id = serializers.UUIDField()
    ticket = serializers.CharField(max_length=64)


class QueueCancelOutputSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    cancelled = serializers.BooleanField(
        help_text="False: the ticket was no longer in the line (granted, lapsed, cancelled)."
    )


class BorrowInputSerializer(serializers.Serializer):
    license_key = serializers.CharField(max_length=128, trim_whitespace=True)
    hardware_id = _Text(max_length=128)
    client_instance = _Text(max_length=64, required=False, default="", allow_blank=True)
    client_info = serializers.DictField(required=False, default=dict)
    hours = serializers.IntegerField(
        min_value=1, help_text="How long to hold the seat offline (up to max_borrow_hours)."
    )

    def validate_client_info(self, value: dict) -> dict:
        return AcquireInputSerializer().validate_client_info(value)


class PersonBorrowInputSerializer(_PersonSeatInputSerializer):
    """The body of a borrow made with ``Authorization: Bearer <person's access token>``:
    no license key; the license named, else the one assigned to the person."""

    hours = serializers.IntegerField(
        min_value=1, help_text="How long to hold the seat offline (up to max_borrow_hours)."
    )


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
