import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address (global, not tenant-owned)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.email


class ExternalIdentity(models.Model):
    """An account at a sign-in provider (Google, GitHub, an OpenID Connect issuer)
    linked to a user: signing in there signs the user in here.

    ``provider`` is the id of an entry of ``settings.SIGN_IN_PROVIDERS`` (or
    ``id-token`` for the ID-token exchange); ``subject`` the provider's stable id of
    the account, never its email, which can change hands.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities")
    provider = models.CharField(max_length=64)
    subject = models.CharField(max_length=255)
    email = models.EmailField(blank=True, help_text="The address the provider gave, for display.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="uniq_identity_subject")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class RefreshTokenFamily(models.Model):
    """One sign-in: the chain of refresh tokens that rotation grows from one login.

    Every refresh token names its family (claim ``fam``), and only the newest one,
    ``current_jti``, can be traded for a new pair. A jti is no secret: a refresh
    token also needs the server's signature, and the token itself is stored nowhere.
    An older token coming back means it was copied, so the whole family is revoked
    (users.services.token_refresh), unless it is the one just traded in and comes back
    within the reuse leeway.
    """

    class RevokeReason(models.TextChoices):
        # Reasons, not secrets: ruff's S105 reads any name with "password" in it as one.
        LOGOUT = "logout"
        REUSE = "reuse"
        PASSWORD_CHANGE = "password_change"  # noqa: S105
        PASSWORD_RESET = "password_reset"  # noqa: S105
        DEVICE_REVOKED = "device_revoked"  # the person or an admin revoked the device
        MEMBER_REMOVED = "member_removed"

    class Kind(models.TextChoices):
        BROWSER = "browser"  # a dashboard sign-in
        DEVICE = "device"  # a CLI signed in by the device authorization grant

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_families")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BROWSER)
    # What asked, as the device said it (shown on the approval page and the person's
    # list of signed-in devices): hostname, platform, client version.
    device_info = models.JSONField(default=dict, blank=True)
    current_jti = models.CharField(max_length=64)
    # The jti that the last rotation traded in: presented again within
    # REFRESH_REUSE_LEEWAY_SECONDS of that rotation it gets the current pair again (an
    # answer lost on the way), not the family's end (users.services.token_refresh).
    previous_jti = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="When the current refresh token expires.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=20, choices=RevokeReason.choices, blank=True)

    class Meta:
        verbose_name_plural = "refresh token families"

    def __str__(self) -> str:
        return f"{self.user_id}:{self.id}"


class RecoveryCode(models.Model):
    """A single-use second factor for a person who lost their authenticator app.

    Stored as a keyed digest (core.secrets), shown once when generated; ``used_at``
    is set by one conditional update, so a code works once even when raced.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="uniq_recovery_code")
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.user_id}"


class DeviceAuthorization(models.Model):
    """One device authorization request (RFC 8628): a CLI asked to sign in, and the
    person it names approves or denies it on the dashboard.

    Both codes are stored as keyed digests (core.secrets): the device code is the
    CLI's secret, and a user code is short enough that its table must not be a list
    of codes to type. Authlib's grant reads it through ``users.device_flow``.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        DENIED = "denied"
        USED = "used"  # the CLI got its tokens: the codes are spent

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=200, blank=True)
    device_code_digest = models.CharField(max_length=64, unique=True)
    user_code_digest = models.CharField(max_length=64, unique=True)
    device_info = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    interval = models.PositiveIntegerField(default=5)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_polled_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="device_auth_expiry")]

    def __str__(self) -> str:
        return f"device authorization {self.id} ({self.status})"
