from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


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

        # What may narrow a person's standing (users.standing), whoever writes it.
        from tenants.models import Membership
        from users import standing
        from users.models import RefreshTokenFamily, User

        for sender, person in (
            (Membership, lambda m: m.user_id),
            (User, lambda u: u.pk),
            (RefreshTokenFamily, lambda f: f.user_id),
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda instance, _person=person, **_: standing.changed([_person(instance)]),
                    sender=sender,
                    weak=False,
                    dispatch_uid=f"users_standing_{sender.__name__}_{signal is post_save}",
                )
