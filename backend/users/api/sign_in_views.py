"""Sign-in with Google, GitHub, OpenID Connect providers and ID tokens; linked identities.

The browser flow, for a single-page dashboard:

1. ``POST auth/providers/{provider}/start`` answers the provider's authorization
   URL and keeps the flow's state, PKCE verifier and nonce in this browser's
   session (an HttpOnly cookie);
2. the provider sends the browser back to the dashboard's
   ``/sign-in/callback/{provider}?code=…&state=…``;
3. the dashboard posts that code and state to ``auth/providers/{provider}/callback``
   and gets the same answer as a password login (``auth/identities`` instead, to
   link the account to the signed-in person).

docs/sign-in.md has the whole story.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from core.api.caching import no_store
from core.api.errors import error_response, error_responses
from users import identities, providers, selectors
from users.api.serializers import (
    AuthResponseSerializer,
    IdentityLinkSerializer,
    IdentitySerializer,
    IdTokenSerializer,
    SignInCallbackSerializer,
    SignInProvidersSerializer,
    SignInStartedSerializer,
    SignInStartSerializer,
)
from users.api.views import PersonView, PublicAuthView, signed_in
from users.id_tokens import id_token_account, id_token_exchange_enabled
from users.throttles import SignInProviderThrottle

FLOW_ERRORS = {
    400: error_response(
        "validation_error, invalid_state (not started in this browser, used or too old), "
        "provider_refused (the code was used already, expired or forged), "
        "provider_gave_no_email"
    ),
    401: error_response("invalid_id_token (signature, issuer, audience, expiry or nonce)"),
    403: error_response(
        "email_not_verified, account_disabled, sso_required (an SSO-only organization's "
        "member came through another provider)"
    ),
    404: error_response("unknown_provider"),
    409: error_response("account_exists (sign in and link instead), identity_linked_elsewhere"),
    **error_responses(429),
    502: error_response("provider_unavailable"),
}


class SignInProvidersView(PublicAuthView):
    @extend_schema(
        operation_id="auth_providers_list",
        summary="The sign-in providers this server offers",
        description="Only providers whose credentials are configured are listed.",
        tags=["auth"],
        responses={200: SignInProvidersSerializer},
    )
    def get(self, request: Request) -> Response:
        body = {
            "providers": [{"id": p.id, "name": p.name} for p in providers.offered()],
            "id_token_exchange": id_token_exchange_enabled(),
        }
        return Response(SignInProvidersSerializer(body).data)


class SignInStartView(APIView):
    """Public for a sign-in; a link needs the person's bearer token."""

    authentication_classes = [JWTAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [SignInProviderThrottle]

    @extend_schema(
        operation_id="auth_provider_start",
        summary="Start signing in (or linking) with a provider",
        description=(
            "Answers the provider's authorization URL (authorization code with PKCE, "
            "state and nonce). The flow is bound to this browser by its session cookie: "
            "finish it from the same browser."
        ),
        tags=["auth"],
        request=SignInStartSerializer,
        responses={
            200: SignInStartedSerializer,
            **error_responses(400, 401),
            404: error_response("unknown_provider"),
            **error_responses(429),
            502: error_response("provider_unavailable"),
        },
    )
    @no_store
    def post(self, request: Request, provider: str) -> Response:
        data = SignInStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intent = data.validated_data["intent"]
        user = request.user if request.user.is_authenticated else None
        if intent == "link" and user is None:
            raise NotAuthenticated("Sign in first to link an account.")
        url = identities.provider_flow_start(
            provider_id=provider, session=request.session, intent=intent, user=user
        )
        return Response(SignInStartedSerializer({"authorization_url": url}).data)


class SignInCallbackView(PublicAuthView):
    throttle_classes = [SignInProviderThrottle]

    @extend_schema(
        operation_id="auth_provider_callback",
        summary="Finish signing in with a provider",
        description=(
            "Send the `code` and `state` the provider put in the redirect. A provider "
            "account seen before signs its person in; a new one creates a person when the "
            "provider verified the email and nobody has that address. An address someone "
            "has already is never linked here (409 `account_exists`): that person signs in "
            "and links the account from their account page."
        ),
        tags=["auth"],
        request=SignInCallbackSerializer,
        responses={200: AuthResponseSerializer, **FLOW_ERRORS},
    )
    @no_store
    def post(self, request: Request, provider: str) -> Response:
        data = SignInCallbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = identities.provider_sign_in_finish(
            provider_id=provider, session=request.session, **data.validated_data
        )
        return signed_in(user, status.HTTP_200_OK)


class IdTokenSignInView(PublicAuthView):
    throttle_classes = [SignInProviderThrottle]

    @extend_schema(
        operation_id="auth_id_token",
        summary="Sign in with an ID token from the configured issuer",
        description=(
            "For clients signed in already through the issuer's SDK (Google Identity "
            "Platform). The token is checked against the issuer's keys: signature, `iss`, "
            "`aud`, `exp`, `iat`, and `nonce` when one is sent. The same account rules as "
            "the provider callback apply."
        ),
        tags=["auth"],
        request=IdTokenSerializer,
        responses={200: AuthResponseSerializer, **FLOW_ERRORS},
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = IdTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = id_token_account(**data.validated_data)
        return signed_in(identities.provider_account_sign_in(account=account), status.HTTP_200_OK)


class IdentityListView(PersonView):
    @extend_schema(
        operation_id="auth_identities_list",
        summary="The provider accounts linked to the signed-in person",
        tags=["auth"],
        responses={200: IdentitySerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        found = selectors.identity_list(user=request.user)
        return Response(IdentitySerializer(found, many=True).data)

    @extend_schema(
        operation_id="auth_identities_link",
        summary="Link a provider account to the signed-in person",
        description=(
            "Finishes a flow started with `intent: link` by this person in this browser. "
            "Being signed in is the proof that the account here is theirs."
        ),
        tags=["auth"],
        request=IdentityLinkSerializer,
        responses={201: IdentitySerializer, **FLOW_ERRORS},
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = IdentityLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        identity = identities.provider_link_finish(
            provider_id=fields["provider"],
            session=request.session,
            code=fields["code"],
            state=fields["state"],
            user=request.user,
        )
        return Response(IdentitySerializer(identity).data, status=status.HTTP_201_CREATED)


class IdentityDetailView(PersonView):
    @extend_schema(
        operation_id="auth_identities_remove",
        summary="Unlink a provider account",
        description="Not the last way in: 409 `last_sign_in_method` for a person without "
        "a password whose only linked account this is.",
        tags=["auth"],
        responses={
            204: None,
            **error_responses(401, 404),
            409: error_response("last_sign_in_method"),
        },
    )
    def delete(self, request: Request, identity_id: int) -> Response:
        identities.identity_remove(user=request.user, identity_id=identity_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
