"""Two-factor sign-in: an authenticator app (TOTP, django-otp) and recovery codes.

A password sign-in of a person with a confirmed authenticator ends in
``TwoFactorRequired``, whose ``mfa_token`` (signed, short-lived, naming the person
and their password) is traded once with a code at ``auth/login/two-factor``. django-otp
checks the code: ±1 time step, never the same step twice, and an exponential
back-off per person after each wrong code (``OTP_TOTP_THROTTLE_FACTOR``). The
device row is locked while a code is checked, so two requests cannot both spend
one code. Recovery codes are digests (core.secrets), each good once.

The TOTP secret itself is stored as django-otp keeps it: a code can only be
checked with it.
"""

import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import DomainError
from core.secrets import secret_digest
from users.models import RecoveryCode, User

RECOVERY_CODES = 10
_SALT = "users.two_factor.mfa_token"


class TwoFactorRequired(DomainError):
    code = "two_factor_required"
    message = (
        "Enter the code from your authenticator app, or a recovery code: send it with "
        "details.mfa_token to auth/login/two-factor."
    )


class InvalidTwoFactorCode(DomainError):
    code = "invalid_two_factor_code"
    message = "The code is not correct, was used already or has expired."


class InvalidMfaToken(DomainError):
    code = "invalid_mfa_token"
    message = "The two-factor step took too long or is not valid; sign in again."


class TwoFactorThrottled(DomainError):
    code = "two_factor_throttled"
    message = "Too many wrong codes: wait before the next try."


class TwoFactorAlreadyOn(DomainError):
    code = "two_factor_already_enabled"
    message = "Two-factor is on already; turn it off first to set up another app."


class TwoFactorNotOn(DomainError):
    code = "two_factor_not_enabled"
    message = "Two-factor is not on for this account."


class TwoFactorSetupNotStarted(DomainError):
    code = "two_factor_setup_not_started"
    message = "Start the authenticator setup first."


def _device(user: User, *, confirmed: bool = True, lock: bool = False) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user, confirmed=confirmed)
    if lock:
        devices = devices.select_for_update()
    return devices.order_by("pk").first()


def two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# Sign-in ---------------------------------------------------------------------------


def _password_mark(user: User) -> str:
    # A password change (or reset) makes every pending mfa_token of the person void,
    # and so does any sign-in (it moves last_login): a token finishes one sign-in.
    return secret_digest(f"{user.password}|{user.last_login}")[:16]


def two_factor_challenge(*, user: User) -> None:
    """Stop a password sign-in halfway when the person has an authenticator."""
    if two_factor_enabled(user=user):
        token = signing.dumps({"u": str(user.pk), "p": _password_mark(user)}, salt=_SALT)
        raise TwoFactorRequired(details={"mfa_token": token})


def _throttled(device: TOTPDevice) -> None:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        wait = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
        raise TwoFactorThrottled(details={"retry_after": wait})


def _check(user: User, code: str) -> None:
    """Spend one code (TOTP or recovery) of the person, or raise. A wrong code is
    counted (committed) before the error is raised."""
    code = "".join(code.split()).lower()
    with transaction.atomic():
        device = _device(user, lock=True)
        if device is None:
            raise TwoFactorNotOn()
        _throttled(device)
        if code.isdigit():
            verified = device.verify_token(code)  # counts a failure itself
        else:
            verified = bool(
                RecoveryCode.objects.filter(
                    user=user, digest=secret_digest(code), used_at__isnull=True
                ).update(used_at=timezone.now())
            )
            if not verified:
                device.throttle_increment(commit=True)
    if not verified:
        raise InvalidTwoFactorCode()


def two_factor_sign_in(*, mfa_token: str, code: str) -> User:
    """The person whose password started this sign-in, once their code is right."""
    try:
        claims = signing.loads(mfa_token, salt=_SALT, max_age=settings.TWO_FACTOR_STEP_SECONDS)
    except signing.BadSignature:
        raise InvalidMfaToken() from None
    user = User.objects.filter(pk=claims.get("u"), is_active=True).first()
    if user is None or claims.get("p") != _password_mark(user):
        raise InvalidMfaToken()
    _check(user, code)
    return user


# Setup -----------------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4)


@transaction.atomic
def totp_setup_start(*, user: User) -> dict[str, str]:
    """A new authenticator, not yet in force: its secret, as text and as a QR code."""
    if two_factor_enabled(user=user):
        raise TwoFactorAlreadyOn()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return {
        "secret": b32encode(device.bin_key).decode(),
        "otpauth_url": device.config_url,
        "qr_svg": _qr_svg(device.config_url),
    }


def _recovery_codes_new(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=secret_digest(code)) for code in codes
    )
    return codes


def totp_setup_confirm(*, user: User, code: str) -> list[str]:
    """Turn two-factor on with a first code from the app; the recovery codes, once."""
    with transaction.atomic():
        device = _device(user, confirmed=False, lock=True)
        if device is None:
            raise TwoFactorSetupNotStarted()
        _throttled(device)
        verified = device.verify_token("".join(code.split()))
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _recovery_codes_new(user)
    raise InvalidTwoFactorCode()


def two_factor_disable(*, user: User, code: str) -> None:
    """Off, with a current code (or a recovery code) as proof."""
    _check(user, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), with a current code as proof."""
    _check(user, code)
    with transaction.atomic():
        return _recovery_codes_new(user)
