"""Input and output of the groups-of-people endpoints (``/api/v1/orgs/{org}/groups``)."""

from rest_framework import serializers

from tenants.models import PersonGroup, PersonGroupMember


class GroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = PersonGroup
        fields = ["id", "name", "slug", "member_count", "created_at"]
        read_only_fields = ["id", "member_count", "created_at"]
        extra_kwargs = {"slug": {"required": False}}


class GroupMemberSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    added_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = PersonGroupMember
        fields = ["user_id", "email", "name", "added_at"]
        read_only_fields = fields


class GroupMemberAddSerializer(serializers.Serializer):
    user = serializers.UUIDField(help_text="A member of the organization.")
