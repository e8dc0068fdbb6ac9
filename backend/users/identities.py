"""Signing in with a provider's account, and linking accounts to people (writes).

The rules that keep one person's account out of another's hands:

- an account already linked signs its user in, whatever its email says now;
- an account not linked yet creates a new user only when the provider says the
  email is verified, and only when no user has that address;
- an email that belongs to an existing user is never linked by signing in: that
  user signs in the way they already can and links the account from their account
  page (``identity_link``), which proves they own both;
- the last way in (the only identity of a user without a password) is not removed;
- a member of an SSO-only organization signs in through its provider only.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError
from users import providers
from users.models import ExternalIdentity, User
from users.policies import auto_join, sign_in_method_check
from users.providers import InvalidState, ProviderAccount
from users.services import normalize_email


class EmailNotVerified(DomainError):
    code = "email_not_verified"
    message = (
        "The provider has not verified this account's email address: verify it there, "
        "or sign in another way."
    )


class AccountExists(DomainError):
    code = "account_exists"
    message = (
        "An account with this email address exists already. Sign in to it the way you "
        "usually do, then link this provider from your account page."
    )


class AccountDisabled(DomainError):
    code = "account_disabled"
    message = "This account is disabled."


class IdentityLinkedElsewhere(DomainError):
    code = "identity_linked_elsewhere"
    message = "This provider account is linked to another person already."


class LastSignInMethod(DomainError):
    code = "last_sign_in_method"
    message = (
        "This is your only way to sign in: set a password or link another provider "
        "before removing it."
    )


class IdentityNotFound(DomainError):
    code = "not_found"
    message = "No such linked identity."


def _identity(account: ProviderAccount) -> ExternalIdentity | None:
    return (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=account.provider, subject=account.subject)
        .first()
    )


def _touch(identity: ExternalIdentity, account: ProviderAccount) -> None:
    identity.email = normalize_email(account.email)
    identity.last_used_at = timezone.now()
    identity.save(update_fields=["email", "last_used_at"])


@transaction.atomic
def provider_account_sign_in(*, account: ProviderAccount) -> User:
    """The user this provider account signs in, created on its first sign-in."""
    identity = _identity(account)
    if identity is not None:
        if not identity.user.is_active:
            raise AccountDisabled()
        sign_in_method_check(user=identity.user, provider=account.provider)
        _touch(identity, account)
        return identity.user
    if not account.email_verified:
        raise EmailNotVerified()
    email = normalize_email(account.email)
    if User.objects.filter(email__iexact=email).exists():
        raise AccountExists()
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, None, name=account.name[:150])
            ExternalIdentity.objects.create(
                user=user,
                provider=account.provider,
                subject=account.subject,
                email=email,
                last_used_at=timezone.now(),
            )
        auto_join(user=user, provider_id=account.provider, email=email)
    except IntegrityError:
        # The same account (or address) signing up twice at once: the other one won.
        raise AccountExists() from None
    return user


@transaction.atomic
def identity_link(*, user: User, account: ProviderAccount) -> ExternalIdentity:
    """Link a provider account to the signed-in ``user``; linking it twice is no error."""
    identity = _identity(account)
    if identity is not None:
        if identity.user_id != user.pk:
            raise IdentityLinkedElsewhere()
        _touch(identity, account)
        return identity
    try:
        with transaction.atomic():
            return ExternalIdentity.objects.create(
                user=user,
                provider=account.provider,
                subject=account.subject,
                email=normalize_email(account.email),
            )
    except IntegrityError:
        raise IdentityLinkedElsewhere() from None


@transaction.atomic
def identity_remove(*, user: User, identity_id: int) -> None:
    """Unlink; the user's row is locked so two removals at once cannot both pass the
    last-way-in check."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    identity = ExternalIdentity.objects.filter(user=locked, pk=identity_id).first()
    if identity is None:
        raise IdentityNotFound()
    only_one = ExternalIdentity.objects.filter(user=locked).count() == 1
    if only_one and not locked.has_usable_password():
        raise LastSignInMethod()
    identity.delete()


# The authorization-code flow, for a sign-in or a link ------------------------------


def provider_flow_start(*, provider_id: str, session: Any, intent: str, user: User | None) -> str:
    """The provider's authorization URL. A link is bound to the person who starts it."""
    data: dict[str, str] = {"intent": intent}
    if intent == "link":
        assert user is not None, "a link needs a signed-in person"
        data["user_id"] = str(user.pk)
    provider = providers.provider_get(provider_id)
    return providers.authorization_start(provider=provider, session=session, data=data)


def _finish(
    *, provider_id: str, session: Any, code: str, state: str, intent: str, user: User | None
) -> ProviderAccount:
    provider = providers.provider_get(provider_id)
    data = providers.authorization_data(provider=provider, session=session, state=state)
    if data.get("intent") != intent or (user is not None and data.get("user_id") != str(user.pk)):
        raise InvalidState()
    return providers.authorization_finish(
        provider=provider, session=session, code=code, state=state
    )


def provider_sign_in_finish(*, provider_id: str, session: Any, code: str, state: str) -> User:
    account = _finish(
        provider_id=provider_id,
        session=session,
        code=code,
        state=state,
        intent="sign_in",
        user=None,
    )
    return provider_account_sign_in(account=account)


def provider_link_finish(
    *, provider_id: str, session: Any, code: str, state: str, user: User
) -> ExternalIdentity:
    account = _finish(
        provider_id=provider_id, session=session, code=code, state=state, intent="link", user=user
    )
    return identity_link(user=user, account=account)
