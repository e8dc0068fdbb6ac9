from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.models import Invitation, Membership, Organization

ROLE_CHOICES = Membership.Role.choices


class OrganizationSerializer(serializers.ModelSerializer):
    """An organization with the caller's role in it."""

    role = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "role", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ROLE_CHOICES))
    def get_role(self, org: Organization) -> str:
        return getattr(org, "role", None) or self.context["role"]


class OrganizationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=64, required=False, allow_blank=True)


class OrganizationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    slug = serializers.SlugField(max_length=64, required=False)


class OrganizationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    role = serializers.ChoiceField(choices=ROLE_CHOICES, read_only=True)
    joined = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "email", "name", "role", "joined"]


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ROLE_CHOICES)


class InvitationSerializer(serializers.ModelSerializer):
    """A pending invitation; its token is only ever in the email."""

    role = serializers.ChoiceField(choices=ROLE_CHOICES)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "expires_at", "created_at"]
        read_only_fields = ["id", "expires_at", "created_at"]


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200, write_only=True)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    password = serializers.CharField(
        max_length=200, required=False, write_only=True, trim_whitespace=False
    )


class InvitationAcceptedSerializer(serializers.Serializer):
    organization = OrganizationSummarySerializer(source="org")
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    email = serializers.EmailField(source="user.email")
    user_created = serializers.BooleanField(
        help_text="True when accepting created the account: sign in with its password next."
    )
