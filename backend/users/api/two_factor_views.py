"""Two-factor: the second step of a password sign-in, and the person's own setup."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.caching import no_store
from core.api.errors import error_response, error_responses
from users import two_factor
from users.api.serializers import (
    AuthResponseSerializer,
    RecoveryCodesSerializer,
    TotpSetupSerializer,
    TwoFactorCodeSerializer,
    TwoFactorSignInSerializer,
    TwoFactorStatusSerializer,
)
from users.api.views import PersonView, PublicAuthView, signed_in
from users.policies import two_factor_required_by
from users.throttles import LoginThrottle

CODE_ERRORS = {
    **error_responses(400),
    401: error_response("invalid_two_factor_code (wrong, used or expired), not_authenticated"),
    409: error_response("two_factor_not_enabled"),
    429: error_response("two_factor_throttled (details.retry_after seconds) or rate_limited"),
}


class TwoFactorSignInView(PublicAuthView):
    throttle_classes = [LoginThrottle]

    @extend_schema(
        operation_id="auth_login_two_factor",
        summary="Finish a password sign-in with a two-factor code",
        description=(
            "After `auth/login` answered 401 `two_factor_required`: its `details.mfa_token` "
            "and a code from the authenticator app or a recovery code (each recovery code "
            "works once). Each wrong code doubles the wait before the next one."
        ),
        tags=["auth"],
        request=TwoFactorSignInSerializer,
        responses={
            200: AuthResponseSerializer,
            **error_responses(400),
            401: error_response("invalid_two_factor_code, invalid_mfa_token"),
            429: error_response(
                "two_factor_throttled (details.retry_after seconds) or rate_limited"
            ),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = TwoFactorSignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = two_factor.two_factor_sign_in(**data.validated_data)
        return signed_in(user, status.HTTP_200_OK)


class TwoFactorStatusView(PersonView):
    @extend_schema(
        operation_id="auth_two_factor_status",
        summary="Whether two-factor is on, and who requires it",
        tags=["auth"],
        responses={200: TwoFactorStatusSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        body = {
            "enabled": two_factor.two_factor_enabled(user=user),
            "recovery_codes_left": two_factor.recovery_codes_left(user=user),
            "required_by": two_factor_required_by(user=user),
        }
        return Response(TwoFactorStatusSerializer(body).data)


class TotpSetupView(PersonView):
    @extend_schema(
        operation_id="auth_two_factor_totp_start",
        summary="Start setting up an authenticator app",
        description=(
            "A new secret (also as a QR code) that is not in force until confirmed with a "
            "first code. Starting again replaces an unconfirmed one."
        ),
        tags=["auth"],
        request=None,
        responses={
            201: TotpSetupSerializer,
            **error_responses(401),
            409: error_response("two_factor_already_enabled"),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        body = two_factor.totp_setup_start(user=request.user)
        return Response(TotpSetupSerializer(body).data, status=status.HTTP_201_CREATED)


class TotpConfirmView(PersonView):
    @extend_schema(
        operation_id="auth_two_factor_totp_confirm",
        summary="Turn two-factor on with a first code",
        description="Answers the recovery codes: shown this once.",
        tags=["auth"],
        request=TwoFactorCodeSerializer,
        responses={
            200: RecoveryCodesSerializer,
            **CODE_ERRORS,
            409: error_response("two_factor_setup_not_started"),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = TwoFactorCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = two_factor.totp_setup_confirm(user=request.user, **data.validated_data)
        return Response(RecoveryCodesSerializer({"recovery_codes": codes}).data)


class TwoFactorDisableView(PersonView):
    @extend_schema(
        operation_id="auth_two_factor_disable",
        summary="Turn two-factor off",
        description="A current code (or a recovery code) proves it is you.",
        tags=["auth"],
        request=TwoFactorCodeSerializer,
        responses={204: None, **CODE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = TwoFactorCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        two_factor.two_factor_disable(user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecoveryCodesView(PersonView):
    @extend_schema(
        operation_id="auth_two_factor_recovery_codes",
        summary="Replace the recovery codes",
        description="The old ones stop working; the new ones are shown this once.",
        tags=["auth"],
        request=TwoFactorCodeSerializer,
        responses={200: RecoveryCodesSerializer, **CODE_ERRORS},
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = TwoFactorCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = two_factor.recovery_codes_regenerate(user=request.user, **data.validated_data)
        return Response(RecoveryCodesSerializer({"recovery_codes": codes}).data)
