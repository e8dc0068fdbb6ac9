"""CLI sign-in by the OAuth 2.0 Device Authorization Grant (RFC 8628), spoken by Authlib.

Authlib's ``DeviceAuthorizationEndpoint`` and ``DeviceCodeGrant`` hold the protocol
(the request and response fields, ``authorization_pending``, ``slow_down``,
``expired_token``, ``access_denied``); this module gives them storage and tokens:

- the codes live in ``DeviceAuthorization`` rows, as keyed digests (a table of user
  codes must not be a list of codes to type);
- the person approves or denies on the dashboard's ``/device`` page
  (``device_authorization_decide``), which shows what the CLI said it is;
- the CLI's tokens are the platform's own: a refresh-token family of kind ``device``
  (``users.services.token_pair_issue``), so it rotates, is revoked on reuse, shows
  in the person's signed-in devices and ends when they are removed from an
  organization, like any sign-in, and its access token acquires seats
  (``Authorization: Bearer``).

The one client is public (``coditect-cli``, no secret: it runs on people's machines).
User codes are Authlib's: eight letters of a 20-letter alphabet without vowels
(20^8, about 2.6e10 codes, RFC 8628 §6.1), valid ``DEVICE_CODE_SECONDS``; guessing
one is bounded by the approval endpoints' rate limits (``users.throttles``).
"""

import re
from datetime import timedelta
from typing import Any

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.errors import InvalidGrantError
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
)
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from core.errors import DomainError
from core.secrets import secret_digest
from users.models import DeviceAuthorization, RefreshTokenFamily, User
from users.services import token_pair_issue

CLI_CLIENT_ID = "coditect-cli"
# What a CLI may say about itself, shown to the person who approves it.
DEVICE_FIELDS = {"hostname": 100, "platform": 100, "client_version": 40}
Status = DeviceAuthorization.Status


class InvalidUserCode(DomainError):
    """No pending request has this code (never typed, expired, or decided): one answer
    for all, so a guess learns nothing."""

    code = "invalid_user_code"
    message = "This code is not valid or has expired; start again from your terminal."


class DeviceCodeDecided(DomainError):
    code = "device_code_decided"
    message = "This sign-in request was already approved or denied."


def normalize_user_code(raw: str) -> str:
    """What a person types, as the code was issued: letters only, upper case, a dash
    after the fourth (``bcdf ghjk`` and ``BCDF-GHJK`` are the same code)."""
    letters = re.sub(r"[^A-Z]", "", raw.upper())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


def _user_code_digest(raw: str) -> str:
    return secret_digest("device-user-code:" + normalize_user_code(raw))


def _device_code_digest(raw: str) -> str:
    return secret_digest("device-code:" + raw)


class _CliClient(ClientMixin):
    """The CLI: a public client that may only use the device grant."""

    def get_client_id(self) -> str:
        return CLI_CLIENT_ID

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == DEVICE_CODE_GRANT_TYPE


class _Credential:
    """A ``DeviceAuthorization`` row as Authlib's grant reads it. Its "user code" is the
    row id: the grant only hands it back to ``query_user_grant``."""

    def __init__(self, row: DeviceAuthorization):
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_scope(self) -> str:
        return self.row.scope

    def get_user_code(self) -> str:
        return str(self.row.id)

    def is_expired(self) -> bool:
        return self.row.expires_at <= timezone.now()


class _AuthorizationEndpoint(DeviceAuthorizationEndpoint):
    CLIENT_AUTH_METHODS = ["none"]

    def __init__(self, server: Any, request: HttpRequest):
        super().__init__(server)
        self.http_request = request
        self.EXPIRES_IN = settings.DEVICE_CODE_SECONDS
        self.INTERVAL = settings.DEVICE_CODE_INTERVAL

    def get_verification_uri(self) -> str:
        return f"{settings.PUBLIC_URL}/device"

    def save_device_credential(self, client_id: str, scope: str, data: dict) -> None:
        form = self.http_request.POST
        info = {
            name: str(form.get(name, ""))[:limit].strip()
            for name, limit in DEVICE_FIELDS.items()
            if form.get(name)
        }
        DeviceAuthorization.objects.create(
            client_id=client_id,
            scope=scope or "",
            device_code_digest=_device_code_digest(data["device_code"]),
            user_code_digest=_user_code_digest(data["user_code"]),
            device_info=info,
            ip_address=self.http_request.META.get("REMOTE_ADDR"),
            interval=data["interval"],
            expires_at=timezone.now() + timedelta(seconds=data["expires_in"]),
        )


class _DeviceCodeGrant(DeviceCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

    def query_device_credential(self, device_code: str) -> _Credential | None:
        row = (
            DeviceAuthorization.objects.filter(device_code_digest=_device_code_digest(device_code))
            .exclude(status=Status.USED)
            .first()
        )
        return _Credential(row) if row else None

    def query_user_grant(self, row_id: str) -> tuple[User | None, bool] | None:
        row = DeviceAuthorization.objects.select_related("user").get(id=row_id)
        if row.status == Status.DENIED:
            return None, False
        if row.status != Status.APPROVED:
            return None
        # Claimed once: of two polls racing with the same device code, one gets tokens.
        if not DeviceAuthorization.objects.filter(id=row.id, status=Status.APPROVED).update(
            status=Status.USED
        ):
            raise InvalidGrantError("The device code was used already.")
        return row.user, True

    def should_slow_down(self, credential: _Credential) -> bool:
        """A poll sooner than the interval is told to slow down, and the interval grows
        by five seconds (RFC 8628 §3.5); every poll is recorded."""
        row, now = credential.row, timezone.now()
        too_soon = row.last_polled_at is not None and (now - row.last_polled_at) < timedelta(
            seconds=row.interval
        )
        fields = {"last_polled_at": now}
        if too_soon:
            fields["interval"] = row.interval + 5
        DeviceAuthorization.objects.filter(id=row.id).update(**fields)
        return too_soon

    def generate_token(self, user=None, scope=None, **_: Any) -> dict[str, Any]:
        info = self.request.credential.row.device_info
        pair = token_pair_issue(user=user, kind=RefreshTokenFamily.Kind.DEVICE, device_info=info)
        return {
            "token_type": "Bearer",
            "access_token": pair["access"],
            "refresh_token": pair["refresh"],
            "expires_in": int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        }


class _Server(AuthorizationServer):
    def __init__(self) -> None:
        super().__init__(client_model=None, token_model=None)

    def query_client(self, client_id: str) -> _CliClient | None:
        return _CliClient() if client_id == CLI_CLIENT_ID else None

    def save_token(self, token: dict, request: Any) -> None:
        """Nothing to save: the tokens are the refresh-token family ``generate_token``
        created."""


def _server(request: HttpRequest) -> _Server:
    # One per request: the endpoint keeps the request it answers.
    server = _Server()
    server.register_grant(_DeviceCodeGrant)
    server.register_endpoint(_AuthorizationEndpoint(server, request))
    return server


def device_authorization_response(request: HttpRequest) -> HttpResponse:
    """RFC 8628 §3.1-3.2: a device code, a user code and where to type it."""
    return _server(request).create_endpoint_response("device_authorization", request)


def device_token_response(request: HttpRequest) -> HttpResponse:
    """RFC 8628 §3.4-3.5: the token endpoint the CLI polls."""
    return _server(request).create_token_response(request)


# The person's side (the dashboard's /device page) ------------------------------------


def device_authorization_pending(*, user_code: str) -> DeviceAuthorization:
    """The live, undecided request this code names, or ``InvalidUserCode``."""
    row = DeviceAuthorization.objects.filter(
        user_code_digest=_user_code_digest(user_code),
        status=Status.PENDING,
        expires_at__gt=timezone.now(),
    ).first()
    if row is None:
        raise InvalidUserCode()
    return row


@transaction.atomic
def device_authorization_decide(
    *, user: User, user_code: str, approve: bool
) -> DeviceAuthorization:
    """The signed-in person approves (the CLI gets their tokens at its next poll) or
    denies (it gets ``access_denied``). Decided once, by one conditional update."""
    row = device_authorization_pending(user_code=user_code)
    decided = DeviceAuthorization.objects.filter(id=row.id, status=Status.PENDING).update(
        status=Status.APPROVED if approve else Status.DENIED,
        user=user,
        decided_at=timezone.now(),
    )
    if not decided:
        raise DeviceCodeDecided()
    row.refresh_from_db()
    return row


def device_authorizations_clear_expired() -> int:
    """Drop requests expired a day ago or more (a Celery beat task)."""
    cutoff = timezone.now() - timedelta(days=1)
    deleted, _ = DeviceAuthorization.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
