"""Organization API tokens (``Authorization: Bearer cot_…``) for automation.

A token belongs to one organization and carries a role; it authenticates only
under that organization's paths (``OrganizationEndpoint`` checks it).
"""

from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework import authentication
from rest_framework.request import Request
from rest_framework_simplejwt.exceptions import InvalidToken

from core.secrets import secret_digest
from tenants.models import ApiToken

TOKEN_PREFIX = "cot_"  # noqa: S105 (a public prefix, not a secret)


@dataclass(frozen=True)
class ApiTokenPrincipal:
    """The ``request.user`` of a token-authenticated request: no person behind it."""

    token: ApiToken
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    @property
    def pk(self) -> str:
        return f"token:{self.token.pk}"

    @property
    def api_token(self) -> ApiToken:
        """What ``core.actor.Actor`` records as the caller."""
        return self.token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiTokenPrincipal, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.startswith(TOKEN_PREFIX):
            return None
        with scopes_disabled():
            token = ApiToken.objects.select_related("org").filter(digest=secret_digest(raw)).first()
        if token is None or token.revoked_at is not None:
            # The same answer as a bad access token: 401 invalid_token.
            raise InvalidToken("Invalid or revoked API token.")
        now = timezone.now()
        # At most one write a minute per token for last-used bookkeeping.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            with scopes_disabled():
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return ApiTokenPrincipal(token), token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"
