"""Sign-up, sign-in, the signed-in user, passwords, and organization API tokens.

The auth endpoints that take no credentials are public and throttled per client
IP. ``auth/me`` and the password change accept a person's JWT only: an API token
is no person.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from core.api.caching import no_store
from core.api.errors import error_response, error_responses
from users import services
from users.api.serializers import (
    AuthResponseSerializer,
    CurrentUserSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RefreshTokenSerializer,
    RegisterSerializer,
    TokenPairSerializer,
)
from users.throttles import LoginThrottle, PasswordResetThrottle, RegisterThrottle
from users.tokens import family_of


class PublicAuthView(APIView):
    """An auth endpoint that needs no credentials (the body carries them)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class PersonView(APIView):
    """An endpoint for a signed-in person (JWT); API tokens are not accepted."""

    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]


def signed_in(user, status_code: int) -> Response:
    body = {"user": CurrentUserSerializer(user).data, **services.token_pair_issue(user=user)}
    return Response(body, status=status_code)


class RegisterView(PublicAuthView):
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        operation_id="auth_register",
        summary="Create an account and sign in",
        description="An email address already registered: 400 with a field error on `email`.",
        tags=["auth"],
        request=RegisterSerializer,
        responses={201: AuthResponseSerializer, **error_responses(400, 429)},
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(**data.validated_data)
        return signed_in(user, status.HTTP_201_CREATED)


class LoginView(PublicAuthView):
    throttle_classes = [LoginThrottle]

    @extend_schema(
        operation_id="auth_login",
        summary="Sign in with email and password",
        description=(
            "Wrong email or password: 401 `invalid_credentials`, whichever it was. Right "
            "ones may still need a second step: 401 `two_factor_required`, whose "
            "`details.mfa_token` goes to auth/login/two-factor with a code; a member of an "
            "SSO-only organization gets 403 `sso_required` (docs/sign-in.md)."
        ),
        tags=["auth"],
        request=LoginSerializer,
        responses={
            200: AuthResponseSerializer,
            **error_responses(400),
            401: error_response("invalid_credentials, two_factor_required"),
            403: error_response("sso_required"),
            **error_responses(429),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_login(request=request, **data.validated_data)
        return signed_in(user, status.HTTP_200_OK)


class RefreshView(PublicAuthView):
    @extend_schema(
        operation_id="auth_refresh",
        summary="Trade a refresh token for a new token pair",
        description=(
            "The refresh token is rotated: the one sent stops working. An invalid, expired "
            "or revoked one: 401 `invalid_refresh_token`. Sending one that was already "
            "rotated (a copy, or a second request racing the first) also signs out the "
            "sign-in it came from: its newest refresh token stops working too."
        ),
        tags=["auth"],
        request=RefreshTokenSerializer,
        responses={
            200: TokenPairSerializer,
            **error_responses(400),
            401: error_response("invalid_refresh_token"),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = RefreshTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.token_refresh(**data.validated_data))


class LogoutView(PublicAuthView):
    @extend_schema(
        operation_id="auth_logout",
        summary="Sign out: end the sign-in of a refresh token",
        description=(
            "Every refresh token of this sign-in stops working at once (access tokens "
            "already issued live out their few minutes). Revoking it twice is not an error."
        ),
        tags=["auth"],
        request=RefreshTokenSerializer,
        responses={204: None, **error_responses(400), 401: error_response("invalid_refresh_token")},
    )
    def post(self, request: Request) -> Response:
        data = RefreshTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.token_revoke(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(PersonView):
    @extend_schema(
        operation_id="auth_me",
        summary="The signed-in user and their organizations",
        tags=["auth"],
        responses={200: CurrentUserSerializer, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)

    @extend_schema(
        operation_id="auth_me_update",
        summary="Change the signed-in user's name or email",
        tags=["auth"],
        request=CurrentUserSerializer,
        responses={200: CurrentUserSerializer, **error_responses(400, 401)},
    )
    def patch(self, request: Request) -> Response:
        data = CurrentUserSerializer(request.user, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, data=data.validated_data)
        return Response(CurrentUserSerializer(user).data)


class PasswordChangeView(PersonView):
    @extend_schema(
        operation_id="auth_password_change",
        summary="Change the signed-in user's password",
        description=(
            "Every other sign-in of the user ends: their refresh tokens stop working. The "
            "sign-in whose access token made this request stays signed in."
        ),
        tags=["auth"],
        request=PasswordChangeSerializer,
        responses={204: None, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_password_change(
            user=request.user, current_family=family_of(request.auth), **data.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicAuthView):
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        operation_id="auth_password_reset",
        summary="Email a password reset link",
        description=(
            "Always 202, whether or not an account has this address. The link points to "
            "the dashboard's `/reset-password?uid=…&token=…`."
        ),
        tags=["auth"],
        request=PasswordResetSerializer,
        responses={202: OpenApiResponse(description="Accepted."), **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(**data.validated_data)
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        summary="Set a new password with a reset link's uid and token",
        description=(
            "A bad or expired link: 400 `invalid_reset_token`. On success every refresh "
            "token of the user is revoked."
        ),
        tags=["auth"],
        request=PasswordResetConfirmSerializer,
        responses={
            204: None,
            400: error_response(
                "invalid_reset_token, or validation_error (e.g. a weak new_password)"
            ),
            **error_responses(429),
        },
    )
    def post(self, request: Request) -> Response:
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
