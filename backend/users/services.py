"""Sign-up, sign-in, JWT pairs, passwords, and organization API tokens (writes).

Errors are ``DomainError``s with a stable code, or Django ``ValidationError``s keyed by
field (rendered as ``validation_error`` with ``details.fields``). No secret —
password, refresh token, reset token, API token — is logged or audited.
"""

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import update_last_login
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework.request import Request
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from core.errors import DomainError
from core.mail import send_later
from users import standing
from users.models import RefreshTokenFamily, User
from users.policies import sign_in_method_check
from users.tokens import FamilyRefreshToken
from users.two_factor import two_factor_challenge

logger = logging.getLogger(__name__)

EMAIL_TAKEN = "This email address is already registered."


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    message = "The email address or password is not correct."


class InvalidRefreshToken(DomainError):
    code = "invalid_refresh_token"
    message = "The refresh token is invalid, expired or revoked; sign in again."


class InvalidResetToken(DomainError):
    code = "invalid_reset_token"
    message = "The password reset link is invalid or has expired; ask for a new one."


def normalize_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _validate_password(password: str, *, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _email_taken(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


# Sign-up and sign-in ----------------------------------------------------------


def token_pair_issue(
    *,
    user: User,
    kind: str = RefreshTokenFamily.Kind.BROWSER,
    device_info: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Sign in: a new refresh-token family, its first refresh token and an access token.
    A CLI's device sign-in (``users.device_flow``) is a family of kind ``device`` that
    keeps what the device said it is, for the person's list of signed-in devices."""
    refresh = FamilyRefreshToken.for_family(user=user, family_id=uuid.uuid4())
    RefreshTokenFamily.objects.create(
        id=refresh.family_id,
        user=user,
        kind=kind,
        device_info=device_info or {},
        current_jti=refresh.jti,
        expires_at=refresh.expires_at,
    )
    if jwt_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@transaction.atomic
def user_register(*, email: str, password: str, name: str = "") -> User:
    email = normalize_email(email)
    if _email_taken(email):
        raise ValidationError({"email": [EMAIL_TAKEN]})
    _validate_password(password, user=User(email=email, name=name), field="password")
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, name=name)
    except IntegrityError:
        raise ValidationError({"email": [EMAIL_TAKEN]}) from None


def user_login(*, request: Request | None, email: str, password: str) -> User:
    """The user these credentials belong to. An unknown email, a wrong password and an
    inactive account look the same (Django's backend also spends the hashing time).

    Right credentials may still not be enough: a member of an SSO-only organization is
    sent to its provider, and a person with two-factor on gets the second step.
    """
    user = authenticate(request, email=normalize_email(email), password=password)
    if user is None:
        raise InvalidCredentials()
    sign_in_method_check(user=user)
    two_factor_challenge(user=user)
    return user


# Refresh tokens ---------------------------------------------------------------


def _refresh_token(raw: str) -> FamilyRefreshToken:
    try:
        return FamilyRefreshToken(raw)
    except TokenError:
        raise InvalidRefreshToken() from None


def _families_revoke(families: QuerySet[RefreshTokenFamily], *, reason: str) -> int:
    live = families.filter(revoked_at__isnull=True)
    people = set(live.values_list("user_id", flat=True))
    revoked = live.update(revoked_at=timezone.now(), revoke_reason=reason)
    # After the update: outside a transaction its commit is the update itself.
    standing.changed(people)
    return revoked


def token_refresh(*, refresh: str) -> dict[str, str]:
    """Rotate: trade the newest refresh token of a family for the family's next pair.

    The trade is claimed with one conditional UPDATE (the family's current jti is the
    presented one, and the family is live), so of two requests presenting the same
    token only one gets a pair. Any other well-signed token of the family is one that
    was rotated already: it was copied, and nobody can tell whether the thief or the
    owner sent it, so the whole family is revoked (RFC 9700, section 4.14.2). One
    exception, the reuse leeway (``_rotation_again``): the token the last rotation
    traded in, back within seconds, gets that rotation's pair again; the loser of a
    race between two requests with one token is that case. No transaction: the
    revocation must stay when the answer is a 401.
    """
    token = _refresh_token(refresh)
    user = User.objects.filter(pk=token.payload.get(jwt_settings.USER_ID_CLAIM)).first()
    if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
        raise InvalidRefreshToken()
    successor = FamilyRefreshToken.for_family(user=user, family_id=token.family_id)
    family = RefreshTokenFamily.objects.filter(pk=token.family_id, user=user)
    now = timezone.now()
    claimed = family.filter(current_jti=token.jti, revoked_at__isnull=True).update(
        previous_jti=token.jti,
        current_jti=successor.jti,
        rotated_at=now,
        expires_at=successor.expires_at,
    )
    if claimed:
        return {"access": str(successor.access_token), "refresh": str(successor)}
    if again := _rotation_again(family, token, user, now):
        return again
    if _families_revoke(family, reason=RefreshTokenFamily.RevokeReason.REUSE):
        logger.warning(
            "refresh token reused: family %s of user %s revoked", token.family_id, user.pk
        )
    raise InvalidRefreshToken()


def _rotation_again(
    family: QuerySet[RefreshTokenFamily], token: FamilyRefreshToken, user: User, now: datetime
) -> dict[str, str] | None:
    """The family's current pair, for the token its last rotation traded in, presented
    again within ``REFRESH_REUSE_LEEWAY_SECONDS``: the answer to that rotation was
    lost (the browser left the page, the connection dropped), and its client still
    holds the old token. The refresh token is the current one again (same jti and
    expiry, so the next rotation retires every copy); the access token is new. Older
    tokens, and this one after the leeway, are reuse as before."""
    leeway = settings.REFRESH_REUSE_LEEWAY_SECONDS
    if not leeway:
        return None
    current = (
        family.filter(
            previous_jti=token.jti,
            revoked_at__isnull=True,
            rotated_at__gte=now - timedelta(seconds=leeway),
        )
        .values_list("current_jti", "expires_at")
        .first()
    )
    if current is None:
        return None
    again = FamilyRefreshToken.for_family(user=user, family_id=token.family_id)
    again[jwt_settings.JTI_CLAIM], again["exp"] = current[0], int(current[1].timestamp())
    return {"access": str(again.access_token), "refresh": str(again)}


def token_revoke(*, refresh: str) -> None:
    """Log out: the sign-in this refresh token belongs to ends, whichever of its tokens
    is sent. Revoking it twice is not an error."""
    token = _refresh_token(refresh)
    family = RefreshTokenFamily.objects.filter(pk=token.family_id)
    _families_revoke(family, reason=RefreshTokenFamily.RevokeReason.LOGOUT)


def user_sign_ins_revoke(*, user: User, reason: str, keep_family: uuid.UUID | None = None) -> int:
    """Sign the user out everywhere (but in ``keep_family``): how many sign-ins ended."""
    families = RefreshTokenFamily.objects.filter(user=user)
    if keep_family is not None:
        families = families.exclude(pk=keep_family)
    return _families_revoke(families, reason=reason)


def member_sign_ins_revoke(*, user: User) -> int:
    """A person removed from an organization: their CLI sign-ins (device grant) end.
    A device sign-in is not bound to one organization, so all of them end; browser
    sign-ins stay (the dashboard shows their remaining organizations)."""
    families = RefreshTokenFamily.objects.filter(user=user, kind=RefreshTokenFamily.Kind.DEVICE)
    return _families_revoke(families, reason=RefreshTokenFamily.RevokeReason.MEMBER_REMOVED)


def device_sign_in_revoke(*, user: User, family_id: Any) -> bool:
    """The person (or an admin, for a member) ends one CLI sign-in; False if it is not
    theirs or was revoked already."""
    families = RefreshTokenFamily.objects.filter(
        pk=family_id, user=user, kind=RefreshTokenFamily.Kind.DEVICE
    )
    return _families_revoke(families, reason=RefreshTokenFamily.RevokeReason.DEVICE_REVOKED) > 0


# The signed-in user -----------------------------------------------------------


@transaction.atomic
def user_update(*, user: User, data: dict[str, Any]) -> User:
    fields = []
    if "name" in data:
        user.name = data["name"]
        fields.append("name")
    if "email" in data:
        email = normalize_email(data["email"])
        if _email_taken(email, exclude=user):
            raise ValidationError({"email": [EMAIL_TAKEN]})
        user.email = email
        fields.append("email")
    if fields:
        user.full_clean(exclude=["password"], validate_unique=False)
        try:
            with transaction.atomic():
                user.save(update_fields=fields)
        except IntegrityError:
            raise ValidationError({"email": [EMAIL_TAKEN]}) from None
    return user


@transaction.atomic
def user_password_change(
    *, user: User, old_password: str, new_password: str, current_family: uuid.UUID | None
) -> None:
    """Set the new password and end every other sign-in of the user.

    ``current_family`` is the sign-in the request came from (its access token's
    ``fam`` claim), which stays signed in; None ends them all.
    """
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["The current password is not correct."]})
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_sign_ins_revoke(
        user=user,
        reason=RefreshTokenFamily.RevokeReason.PASSWORD_CHANGE,
        keep_family=current_family,
    )


# Password reset ---------------------------------------------------------------


def password_reset_link(*, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.PUBLIC_URL}/reset-password?uid={uid}&token={token}"


def password_reset_request(*, email: str) -> None:
    """Email a reset link if an active account with a password has this address.

    The caller answers the same whatever happens here, so nobody learns from it
    which addresses have accounts, nor from how long it takes: an address without
    one gets the same work done for a stand-in user (the same query, a reset token,
    the rendered email), and the email, or nothing, goes to the same background
    sender. A mail server failure is logged, not shown.
    """
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    recipient = user if user is not None and user.has_usable_password() else None
    if recipient is None:
        user = User(email=email)
    context = {
        "user": user,
        "link": password_reset_link(user=user),
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = render_to_string("users/emails/password_reset_subject.txt", context).strip()
    body = render_to_string("users/emails/password_reset.txt", context)
    message = EmailMessage(subject, body, None, [user.email])
    send_later(message if recipient else None, about=f"password reset for user {user.pk}")


def _reset_user(uid: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        return User.objects.filter(pk=pk, is_active=True).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set the new password; the link then stops working (the password is part of
    its signature) and every refresh token of the user is revoked."""
    user = _reset_user(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetToken()
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_sign_ins_revoke(user=user, reason=RefreshTokenFamily.RevokeReason.PASSWORD_RESET)
    return user
