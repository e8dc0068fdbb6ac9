"""Refresh tokens that name their family (one sign-in); simplejwt signs and checks them.

Whether a well-signed refresh token may still be used is not in the token: its
family row says so (users.models.RefreshTokenFamily, users.services). simplejwt's
blacklist app is not used: it records each token on its own and has no notion of
a family to revoke at once.
"""

import uuid
from datetime import datetime
from typing import Any

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

# Copied into the access token too (simplejwt copies every claim a refresh token has
# that it does not list in ``no_copy_claims``): a request then knows its sign-in.
FAMILY_CLAIM = "fam"


class FamilyRefreshToken(RefreshToken):
    """A refresh token of one family. Parsing one checks signature, expiry and type,
    and that it names a family; anything else raises ``TokenError``."""

    family_id: uuid.UUID

    def __init__(self, token: Any = None, verify: bool = True) -> None:
        super().__init__(token, verify)
        if token is not None:
            family_id = family_of(self.payload)
            if family_id is None:
                raise TokenError("The refresh token belongs to no family.")
            self.family_id = family_id

    @classmethod
    def for_family(cls, *, user: Any, family_id: uuid.UUID) -> "FamilyRefreshToken":
        token = cls.for_user(user)
        token[FAMILY_CLAIM] = str(family_id)
        token.family_id = family_id
        return token

    @property
    def jti(self) -> str:
        return self.payload[api_settings.JTI_CLAIM]

    @property
    def expires_at(self) -> datetime:
        return datetime_from_epoch(self.payload["exp"])


def family_of(claims: Any) -> uuid.UUID | None:
    """The family a token's claims name (an access token's too), or None."""
    try:
        return uuid.UUID(claims[FAMILY_CLAIM])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def person_of_access_token(raw: str) -> tuple[str, uuid.UUID] | None:
    """(user id, sign-in family) of a well-signed, unexpired access token, checked by
    signature and claims only (no database read: a person's acquire checks the person,
    their membership and their sign-in in its own single query). None otherwise."""
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    user_id, family_id = token.payload.get(api_settings.USER_ID_CLAIM), family_of(token.payload)
    if not user_id or family_id is None:
        return None
    return str(user_id), family_id
