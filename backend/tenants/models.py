import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class Organization(models.Model):
    """The tenant: every tenant-owned row points here through ``org``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Sign-in policy (docs/sign-in.md; users.policies enforces it).
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Owners and admins need two-factor on (or sign_in_provider linked).",
    )
    sign_in_provider = models.CharField(
        max_length=64, blank=True, help_text="The id of the organization's own sign-in provider."
    )
    sso_only = models.BooleanField(
        default=False, help_text="Members must sign in through sign_in_provider: no password."
    )
    sign_in_domains = models.JSONField(
        default=list, blank=True, help_text="Email domains of the organization's people."
    )
    auto_join = models.BooleanField(
        default=False,
        help_text="New people from sign_in_domains who sign in through sign_in_provider "
        "join as members.",
    )

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner"
        ADMIN = "admin"
        MEMBER = "member"
        VIEWER = "viewer"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "user"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.org_id}:{self.role}"


class Invitation(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    def __str__(self) -> str:
        return f"{self.email}@{self.org_id}"


class ApiToken(models.Model):
    """A named, role-scoped token for automation; shown once, stored as a digest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(org="org")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PersonGroup(models.Model):
    """A named group of the organization's people (a team, a site): a license's seat
    rules may reserve seats for it or cap it (``licenses.seat_policy``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="person_groups")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "slug"], name="uniq_person_group_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.slug


class PersonGroupMember(models.Model):
    """A member of the organization in one of its groups. Leaving the organization
    takes the person out of its groups (``services.membership_remove``)."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(PersonGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="uniq_person_group_member")
        ]
        # The person's acquire reads "which of these groups am I in" by user.
        indexes = [models.Index(fields=["user", "group"], name="person_group_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"
