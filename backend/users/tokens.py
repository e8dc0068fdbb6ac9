"""Refresh tokens (simplejwt) whose bookkeeping rows never hold the token itself.

simplejwt's blacklist app records every refresh token it issues in
``OutstandingToken.token`` in the clear; anyone who can read that table could
sign in as any user for a week. Ours keep a keyed digest there instead: the
blacklist only ever looks rows up by ``jti``.
"""

from typing import Any

from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from core.secrets import secret_digest
from users.models import User


class UserRefreshToken(RefreshToken):
    @classmethod
    def for_user(cls, user: Any) -> "UserRefreshToken":
        # The claims simplejwt puts in (Token.for_user), without BlacklistMixin's row.
        token = super(BlacklistMixin, cls).for_user(user)
        token.outstand()
        return token

    def outstand(self) -> OutstandingToken:
        user_id = self.payload.get(api_settings.USER_ID_CLAIM)
        row, _ = OutstandingToken.objects.get_or_create(
            jti=self.payload[api_settings.JTI_CLAIM],
            defaults={
                "user": User.objects.filter(pk=user_id).first() if user_id else None,
                "created_at": self.current_time,
                "token": secret_digest(str(self)),
                "expires_at": datetime_from_epoch(self.payload["exp"]),
            },
        )
        return row

    def retire(self) -> bool:
        """Blacklist this token; True only for the one caller that did it (a claim).

        Two requests racing to rotate the same refresh token cannot both win: the
        blacklist row is unique per token, so the second insert fails and gets False.
        """
        _, created = BlacklistedToken.objects.get_or_create(token=self.outstand())
        return created


class SignedRefreshToken(UserRefreshToken):
    """A refresh token checked for signature, expiry and type but not the blacklist
    (logging out with a token that is already revoked is not an error)."""

    def check_blacklist(self) -> None:
        return None
