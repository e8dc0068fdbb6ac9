from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.models import Membership, Organization
from users import selectors
from users.models import ExternalIdentity, User


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


# Sign-in with providers ------------------------------------------------------------


class SignInProviderSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Use it in the provider's start and callback paths.")
    name = serializers.CharField(help_text="What the sign-in button says.")


class SignInProvidersSerializer(serializers.Serializer):
    providers = SignInProviderSerializer(many=True)
    id_token_exchange = serializers.BooleanField(
        help_text="Whether auth/id-token takes ID tokens (an issuer is configured)."
    )


class SignInStartSerializer(serializers.Serializer):
    intent = serializers.ChoiceField(
        choices=["sign_in", "link"],
        default="sign_in",
        help_text="`link` adds the account to the signed-in person (a bearer token needed).",
    )


class SignInStartedSerializer(serializers.Serializer):
    authorization_url = serializers.URLField(help_text="Send the browser there.")


class SignInCallbackSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=2048, help_text="`code` of the redirect's query.")
    state = serializers.CharField(max_length=512, help_text="`state` of the redirect's query.")


class IdentityLinkSerializer(SignInCallbackSerializer):
    provider = serializers.CharField(max_length=64)


class IdTokenSerializer(serializers.Serializer):
    id_token = serializers.CharField(max_length=16384)
    nonce = serializers.CharField(
        max_length=512,
        required=False,
        allow_blank=True,
        default="",
        help_text="When given, the token's `nonce` claim must equal it.",
    )


class IdentitySerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalIdentity
        fields = ["id", "provider", "email", "created_at", "last_used_at"]
        read_only_fields = fields


# Two-factor ------------------------------------------------------------------------


class TwoFactorCodeSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=32, help_text="6 digits from the authenticator app, or a recovery code."
    )


class TwoFactorSignInSerializer(TwoFactorCodeSerializer):
    mfa_token = serializers.CharField(
        max_length=512, help_text="`details.mfa_token` of the login's 401 `two_factor_required`."
    )


class TwoFactorStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    recovery_codes_left = serializers.IntegerField()
    required_by = serializers.ListField(
        child=serializers.SlugField(),
        help_text="Organizations that require two-factor of you (you are an owner or admin).",
    )


class TotpSetupSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32, for typing into the app by hand.")
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URL as a QR code (SVG data URI).")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown this once; each works once."
    )


class SignInPolicySerializer(serializers.ModelSerializer):
    sign_in_domains = serializers.ListField(
        child=serializers.RegexField(
            r"^(?=.{1,253}$)([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}$", max_length=253
        ),
        max_length=50,
        required=False,
        help_text="Email domains of the organization's people (for auto_join).",
    )

    class Meta:
        model = Organization
        fields = [
            "require_two_factor",
            "sign_in_provider",
            "sso_only",
            "sign_in_domains",
            "auto_join",
        ]
