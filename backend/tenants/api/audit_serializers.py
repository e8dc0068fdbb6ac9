from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.models import AuditEvent


class AuditActorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()


class AuditActorTokenSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


# An object, or null (``allow_null`` adds it to the schema). drf-spectacular's own
# rendering of a nullable JSON field, ``oneOf: [{}, null]``, is a schema no null can
# match: a null matches both branches.
@extend_schema_field({"type": "object", "additionalProperties": True})
class _Snapshot(serializers.JSONField):
    pass


class AuditEventSerializer(serializers.ModelSerializer):
    actor = AuditActorSerializer(allow_null=True, read_only=True)
    before = _Snapshot(allow_null=True, read_only=True)
    after = _Snapshot(allow_null=True, read_only=True)
    actor_token = AuditActorTokenSerializer(allow_null=True, read_only=True)
    target_exists = serializers.BooleanField(
        read_only=True, help_text="Whether the target object still exists (to link to it)."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor",
            "actor_token",
            "actor_system",
            "action",
            "target_type",
            "target_id",
            "target_name",
            "target_exists",
            "before",
            "after",
            "ip_address",
            "request_id",
            "created_at",
        ]
        read_only_fields = fields
