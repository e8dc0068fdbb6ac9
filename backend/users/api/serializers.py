from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.models import Membership
from users import selectors
from users.models import User


def password_field(**kwargs) -> serializers.CharField:
    # Passwords are taken exactly as typed: no trimming.
    return serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=1024,
        style={"input_type": "password"},
        **kwargs,
    )


class MembershipOrganizationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()


class UserMembershipSerializer(serializers.Serializer):
    org = MembershipOrganizationSerializer()
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class CurrentUserSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField(
        help_text="The organizations the user belongs to, with their role in each."
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "date_joined", "memberships"]
        read_only_fields = ["id", "date_joined"]
        extra_kwargs = {"email": {"required": False}, "name": {"required": False}}

    @extend_schema_field(UserMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> list:
        return UserMembershipSerializer(selectors.user_memberships(user=user), many=True).data


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = password_field()
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = password_field()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Short-lived JWT: `Authorization: Bearer <access>`.")
    refresh = serializers.CharField(
        help_text="Trade it for a new pair at auth/refresh; each one works once."
    )


class AuthResponseSerializer(TokenPairSerializer):
    user = CurrentUserSerializer()


class RefreshTokenSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class PasswordChangeSerializer(serializers.Serializer):
    old_password = password_field()
    new_password = password_field()


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = password_field()
