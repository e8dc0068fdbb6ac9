"""Writes of the tenants app: organizations, memberships, invitations and groups of people.

Role rules that depend on the data (who may touch an owner, the last owner) live
here and read ``core.roles.POLICY``; the per-method policy is checked once by
``OrganizationEndpoint`` before a service runs.
"""

import logging
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_scopes import scope, scopes_disabled

from audit.services import audit_record
from core.actor import Actor
from core.errors import DomainError
from core.roles import POLICY, Role
from core.secrets import new_secret, secret_digest
from events import types as event_types
from events.services import event_record
from tenants import signals
from tenants.authentication import TOKEN_PREFIX
from tenants.models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    PersonGroup,
    PersonGroupMember,
)

logger = logging.getLogger(__name__)
# By Django's name for it: people live in the users app, which builds on this one.
User = get_user_model()

ORG_EDITABLE = ("name", "slug")
INVITATION_TTL = timedelta(days=7)
INVITATION_PREFIX = "inv_"
OWNER = Membership.Role.OWNER


class OrgSlugTaken(DomainError):
    code = "org_slug_taken"
    message = "Another organization has that slug."


class LastOwner(DomainError):
    code = "last_owner"
    message = "An organization keeps at least one owner: make someone else owner first."


class AlreadyMember(DomainError):
    code = "already_member"
    message = "This person is already a member of the organization."


class OwnerRoleRequired(DomainError):
    code = "permission_denied"
    message = "Granting, taking or touching the owner role needs the owner role."


class MembersManageRequired(DomainError):
    code = "permission_denied"
    message = "Removing another member needs the admin role."


class PersonRequired(DomainError):
    code = "permission_denied"
    message = "An API token is not a member and cannot leave; sign in as a person."


class MemberNotFound(DomainError):
    code = "not_found"
    message = "No such member in this organization."


class InvalidInvitation(DomainError):
    code = "invalid_invitation"
    message = "This invitation is unknown, expired or already used."


class InvitationSignInRequired(DomainError):
    code = "sign_in_required"
    message = "An account with the invited email exists: sign in as it to accept."


class InvitationForAnotherUser(DomainError):
    code = "invitation_for_another_user"
    message = "This invitation is for another email address than the one you are signed in as."


class EmailTaken(DomainError):
    code = "email_taken"
    message = "An account with this email was created meanwhile: sign in and accept again."


class EmailUnavailable(DomainError):
    code = "email_unavailable"
    message = "The invitation email could not be sent; nothing was saved. Try again later."


# Organizations ----------------------------------------------------------------


def _clean_slug(slug: str) -> str:
    slug = slug.lower()
    try:
        uuid.UUID(slug)
    except ValueError:
        return slug
    # Paths take an organization's id or slug; a slug shaped like an id would be ambiguous.
    raise ValidationError({"slug": ["A slug cannot look like an id (a UUID)."]})


def _org_snapshot(org: Organization) -> dict[str, Any]:
    return {field: getattr(org, field) for field in ORG_EDITABLE}


@transaction.atomic
def organization_create(*, name: str, owner: Any, slug: str | None = None) -> Organization:
    """Create an organization; its creator becomes its owner."""
    org = Organization(name=name, slug=_clean_slug(slug or slugify(name)[:64]))
    org.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise OrgSlugTaken() from None
    with scope(org=org):
        Membership.objects.create(org=org, user=owner, role=Membership.Role.OWNER)
    return org


@transaction.atomic
def organization_update(*, org: Organization, data: dict[str, Any], actor: Actor) -> Organization:
    before = _org_snapshot(org)
    if "slug" in data:
        data = {**data, "slug": _clean_slug(data["slug"])}
    changed = [f for f in ORG_EDITABLE if f in data and data[f] != before[f]]
    if not changed:
        return org
    for field in changed:
        setattr(org, field, data[field])
    org.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            org.save(update_fields=changed)
    except IntegrityError:
        raise OrgSlugTaken() from None
    audit_record(
        org=org,
        actor=actor,
        action="org.update",
        target=org,
        before=before,
        after=_org_snapshot(org),
    )
    return org


def _who(actor: Actor) -> str:
    if actor.api_token is not None:
        return f"api-token {actor.api_token.pk}"
    return f"user {actor.user.pk}" if actor.user is not None else actor.system


@transaction.atomic
def organization_delete(*, org: Organization, actor: Actor) -> None:
    """Delete the organization and every row of it (members, invitations, API tokens,
    projects, licenses, sessions, audit events). Its audit trail goes with it, so the
    deletion is logged instead. Apps that keep state for it outside the database (the
    seat store) hear ``signals.organization_deleting`` first."""
    org_id, slug = org.pk, org.slug
    signals.organization_deleting.send(sender=Organization, org=org)
    org.delete()
    logger.info(
        "organization deleted: id=%s slug=%s by=%s ip=%s",
        org_id,
        slug,
        _who(actor),
        actor.ip_address,
    )


# Members ---------------------------------------------------------------------


def _lock_members(membership: Membership) -> Membership:
    """Serialize membership changes of one organization (the last-owner rule needs it)
    and re-read the member under that lock."""
    Organization.objects.select_for_update().filter(pk=membership.org_id).first()
    current = Membership.objects.select_related("user").filter(pk=membership.pk).first()
    if current is None:
        raise MemberNotFound()
    return current


def _owner_count() -> int:
    return Membership.objects.filter(role=OWNER).count()


@transaction.atomic
def membership_update_role(
    *, membership: Membership, role: str, acting_role: Role, actor: Actor
) -> Membership:
    """Change a member's role. Touching the owner role (granting it, taking it, or changing
    an owner) needs ``owners.manage``; the last owner is never demoted."""
    membership = _lock_members(membership)
    old = membership.role
    if old == role:
        return membership
    if OWNER in (old, role) and acting_role < POLICY["owners.manage"]:
        raise OwnerRoleRequired()
    if old == OWNER and _owner_count() == 1:
        raise LastOwner()
    membership.role = role
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership.save(update_fields=["role"])
    audit_record(
        org=membership.org,
        actor=actor,
        action="member.role_change",
        target=membership.user,
        before={"email": membership.user.email, "role": old},
        after={"email": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(
    *,
    membership: Membership,
    acting_user: Any,
    acting_role: Role,
    actor: Actor,
) -> None:
    """Remove a member, or let a member leave (``acting_user`` is the member).

    Removing someone else needs ``members.manage``, removing an owner (or leaving as one)
    ``owners.manage``; the last owner always stays."""
    membership = _lock_members(membership)
    leaving = acting_user is not None and acting_user.pk == membership.user_id
    if not leaving and acting_role < POLICY["members.manage"]:
        raise MembersManageRequired()
    if membership.role == OWNER:
        if acting_role < POLICY["owners.manage"]:
            raise OwnerRoleRequired()
        if _owner_count() == 1:
            raise LastOwner()
    audit_record(
        org=membership.org,
        actor=actor,
        action="member.remove",
        target=membership.user,
        before={"email": membership.user.email, "role": membership.role},
        after={"left": leaving},
    )
    event_record(
        org_id=membership.org_id,
        type=event_types.MEMBER_REMOVED,
        data=_member_event_data(membership, left=leaving),
        actor=actor,
    )
    # Out of the organization's groups too: a group holds members of its organization only.
    PersonGroupMember.objects.filter(user_id=membership.user_id).delete()
    membership.delete()
    signals.member_removed.send(sender=Membership, org=membership.org, user=membership.user)


def _member_event_data(membership: Membership, **extra: Any) -> dict[str, Any]:
    person = membership.user
    return {
        "member": {
            "user_id": str(person.pk),
            "email": person.email,
            "name": person.name,
            "role": membership.role,
        },
        **extra,
    }


def membership_leave(*, acting_user: Any, acting_role: Role, actor: Actor):
    """The caller leaves the organization in scope (never its last owner)."""
    if acting_user is None:
        raise PersonRequired()
    membership = Membership.objects.filter(user_id=acting_user.pk).first()
    if membership is None:
        raise MemberNotFound()
    membership_remove(
        membership=membership, acting_user=acting_user, acting_role=acting_role, actor=actor
    )


# Invitations -----------------------------------------------------------------


def _invitation_snapshot(invitation: Invitation) -> dict[str, Any]:
    return {
        "email": invitation.email,
        "role": invitation.role,
        "expires_at": invitation.expires_at.isoformat(),
    }


def _invitation_link(raw_token: str) -> str:
    return f"{settings.PUBLIC_URL}/accept-invitation?{urlencode({'token': raw_token})}"


def _send_invitation(*, invitation: Invitation, org: Organization, raw_token: str, inviter: str):
    body = (
        f"{inviter} invited you to join {org.name} on CODITECT as {invitation.role}.\n\n"
        f"Accept the invitation here:\n{_invitation_link(raw_token)}\n\n"
        f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC.\n"
        "If you did not expect this, ignore this email.\n"
    )
    try:
        send_mail(f"You are invited to join {org.name} on CODITECT", body, None, [invitation.email])
    except Exception as exc:
        logger.warning("invitation email to org %s failed: %s", org.pk, type(exc).__name__)
        raise EmailUnavailable() from None


@transaction.atomic
def invitation_create(
    *, org: Organization, email: str, role: str, acting_role: Role, actor: Actor
) -> Invitation:
    """Invite an email address to the organization and email it a one-time link.

    Only an owner may invite an owner. Inviting an address again replaces its pending
    invitation (the old link stops working). The token is stored as a digest only."""
    email = User.objects.normalize_email(email).lower()
    if role == OWNER and acting_role < POLICY["owners.manage"]:
        raise OwnerRoleRequired()
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise AlreadyMember()
    pending = Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True)
    replaced = sorted(pending.values_list("id", flat=True))
    pending.delete()
    raw = new_secret(INVITATION_PREFIX)
    invitation = Invitation(
        org=org,
        email=email,
        role=role,
        token_digest=secret_digest(raw),
        expires_at=timezone.now() + INVITATION_TTL,
    )
    invitation.full_clean(validate_unique=False)
    invitation.save()
    audit_record(
        org=org,
        actor=actor,
        action="invitation.create",
        target=invitation,
        after={**_invitation_snapshot(invitation), "replaces": replaced},
    )
    user = actor.user
    inviter = (user.name or user.email) if user is not None else f"An administrator of {org.name}"
    _send_invitation(invitation=invitation, org=org, raw_token=raw, inviter=inviter)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: Actor) -> None:
    audit_record(
        org=invitation.org,
        actor=actor,
        action="invitation.revoke",
        target=invitation,
        before=_invitation_snapshot(invitation),
    )
    invitation.delete()


def _new_user_for(invitation: Invitation, *, name: str, password: str | None) -> Any:
    if not password:
        raise ValidationError({"password": ["Choose a password for your new account."]})
    try:
        validate_password(password, user=User(email=invitation.email, name=name))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    try:
        with transaction.atomic():
            return User.objects.create_user(invitation.email, password, name=name)
    except IntegrityError:
        raise EmailTaken() from None


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    caller: Any,
    name: str = "",
    password: str | None = None,
    actor: Actor,
) -> tuple[Membership, bool]:
    """Turn an invitation into a membership with the invited role.

    If an account with the invited email exists, ``caller`` must be that user (signed
    in); otherwise the account is created with ``password``. Returns the membership and
    whether a user was created. An unknown, expired or used token is ``invalid_invitation``.
    """
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_for_update().filter(token_digest=secret_digest(token)).first()
        )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.expires_at <= timezone.now()
    ):
        raise InvalidInvitation()
    org = Organization.objects.get(pk=invitation.org_id)
    signed_in = caller if isinstance(caller, User) and caller.is_authenticated else None
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if signed_in is None:
            raise InvitationSignInRequired()
        if signed_in.pk != existing.pk:
            raise InvitationForAnotherUser()
        person, created = existing, False
    else:
        person, created = _new_user_for(invitation, name=name, password=password), True
    with scope(org=org):
        if Membership.objects.filter(user=person).exists():
            raise AlreadyMember()
        membership = Membership(org=org, user=person, role=invitation.role)
        membership.full_clean(validate_unique=False, validate_constraints=False)
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            org=org,
            action="invitation.accept",
            target=invitation,
            after={
                "email": invitation.email,
                "role": invitation.role,
                "user_id": str(person.pk),
                "user_created": created,
            },
            actor=actor.as_user(person),
        )
        event_record(
            org_id=org.id,
            type=event_types.MEMBER_ADDED,
            data=_member_event_data(membership, via="invitation"),
            actor=actor.as_user(person),
        )
    return membership, created


class ApiTokensMintedByPeople(DomainError):
    code = "permission_denied"
    message = "An API token cannot create API tokens; sign in as a person."


class RoleAboveYourOwn(DomainError):
    code = "role_above_your_own"
    message = "You cannot create a token with a role above your own."


API_TOKEN_DISPLAY_PREFIX = len(TOKEN_PREFIX) + 8


# Organization API tokens ------------------------------------------------------


def _api_token_snapshot(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "role": token.role,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def api_token_create(
    *,
    org: Organization,
    name: str,
    role: str,
    created_by: Any,
    creator_role: Role,
    actor: Actor,
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is returned here once and stored as a digest.

    Tokens are minted by people only, and never with a role above the minter's.
    """
    if created_by is None:
        raise ApiTokensMintedByPeople()
    if Role.parse(role) > creator_role:
        raise RoleAboveYourOwn()
    raw = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        org=org,
        name=name,
        role=role,
        prefix=raw[:API_TOKEN_DISPLAY_PREFIX],
        digest=secret_digest(raw),
        created_by=created_by,
    )
    token.full_clean(validate_unique=False, validate_constraints=False)
    token.save()
    audit_record(
        org=org,
        actor=actor,
        action="api_token.create",
        target=token,
        after=_api_token_snapshot(token),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Actor) -> ApiToken:
    """The token gets 401 from its next request on. Revoking twice changes nothing."""
    before = _api_token_snapshot(token)
    now = timezone.now()
    claimed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not claimed:  # already revoked, maybe by a concurrent request
        token.refresh_from_db(fields=["revoked_at"])
        return token
    token.revoked_at = now
    audit_record(
        org=token.org,
        actor=actor,
        action="api_token.revoke",
        target=token,
        before=before,
        after=_api_token_snapshot(token),
    )
    return token


# Groups of people ---------------------------------------------------------------


class GroupSlugTaken(DomainError):
    code = "group_slug_taken"
    message = "Another group of this organization has that slug."


class NotAMemberOfTheOrganization(DomainError):
    code = "validation_error"
    message = "Only members of the organization can be in its groups."


GROUP_EDITABLE = ("name", "slug")


def _group_snapshot(group: PersonGroup) -> dict[str, Any]:
    return {field: getattr(group, field) for field in GROUP_EDITABLE}


def _save_group(group: PersonGroup, update_fields: list[str] | None = None) -> None:
    group.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            group.save(update_fields=update_fields)
    except IntegrityError:
        raise GroupSlugTaken() from None


@transaction.atomic
def group_create(*, org: Organization, name: str, slug: str = "", actor: Actor) -> PersonGroup:
    group = PersonGroup(org=org, name=name, slug=slug or slugify(name)[:64])
    _save_group(group)
    audit_record(
        org=org, actor=actor, action="group.create", target=group, after=_group_snapshot(group)
    )
    return group


@transaction.atomic
def group_update(*, group: PersonGroup, data: dict[str, Any], actor: Actor) -> PersonGroup:
    """Rename a group or change its slug (license seat rules follow the slug)."""
    before = _group_snapshot(group)
    changed = [f for f in GROUP_EDITABLE if f in data and data[f] != before[f]]
    if not changed:
        return group
    for field in changed:
        setattr(group, field, data[field])
    _save_group(group, update_fields=changed)
    audit_record(
        org=group.org,
        actor=actor,
        action="group.update",
        target=group,
        before=before,
        after=_group_snapshot(group),
    )
    return group


@transaction.atomic
def group_delete(*, group: PersonGroup, actor: Actor) -> None:
    """Its members stay in the organization; license seat rules naming it go (the
    licenses app hears the deletion), so its reserved seats return to everyone."""
    audit_record(
        org=group.org,
        actor=actor,
        action="group.delete",
        target=group,
        before={
            **_group_snapshot(group),
            "members": sorted(str(u) for u in group.members.values_list("user_id", flat=True)),
        },
    )
    group.delete()


@transaction.atomic
def group_member_add(*, group: PersonGroup, user_id: Any, actor: Actor) -> PersonGroupMember:
    """Add a member of the organization to the group (idempotent: adding twice changes
    nothing and audits once). Someone of no membership here is refused like a typo."""
    membership = Membership.objects.select_related("user").filter(user_id=user_id).first()
    if membership is None:
        raise NotAMemberOfTheOrganization(
            details={"fields": {"user": [NotAMemberOfTheOrganization.message]}}
        )
    member, created = PersonGroupMember.objects.select_related("user").get_or_create(
        group=group, user=membership.user, defaults={"org_id": group.org_id}
    )
    if created:
        audit_record(
            org=group.org,
            actor=actor,
            action="group.member_add",
            target=group,
            after={"user": str(membership.user_id), "email": membership.user.email},
        )
    return member


@transaction.atomic
def group_member_remove(*, group: PersonGroup, user_id: Any, actor: Actor) -> bool:
    """Take a person out of the group: whether they were in it. Seats they hold keep
    counting against the group until they end; their next acquire counts elsewhere."""
    removed, _ = PersonGroupMember.objects.filter(group=group, user_id=user_id).delete()
    if removed:
        audit_record(
            org=group.org,
            actor=actor,
            action="group.member_remove",
            target=group,
            before={"user": str(user_id)},
        )
    return bool(removed)
