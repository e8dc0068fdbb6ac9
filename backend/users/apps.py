from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"

    def ready(self) -> None:
        # Registers the OpenAPI scheme of API tokens (its home is core; see core/api/schema.py).
        from core.api import schema  # noqa: F401
        from tenants.signals import member_removed
        from users.services import member_sign_ins_revoke

        member_removed.connect(
            lambda user, **_: member_sign_ins_revoke(user=user),
            weak=False,
            dispatch_uid="users_member_removed",
        )
