from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"

    def ready(self) -> None:
        # Registers the OpenAPI scheme of API tokens (its home is core; see core/api/schema.py).
        from core.api import schema  # noqa: F401
