from django.core.management.base import BaseCommand, CommandError

from core import preflight


class Command(BaseCommand):
    help = (
        "Deep check: the database, Redis and the migrations, one line each. Exits 1 "
        "if any fails. /readyz asks only what this pod needs to serve (not Redis)."
    )
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        checks = {
            "database": preflight.check_database,
            "redis": preflight.check_redis,
            "migrations": preflight.check_migrations,
        }
        failed = []
        for name, check in checks.items():
            try:
                check()
            except preflight.ServiceUnavailable as exc:
                failed.append(name)
                self.stdout.write(f"{name}: FAIL {exc}")
            else:
                self.stdout.write(f"{name}: ok")
        if failed:
            raise CommandError(f"not healthy: {', '.join(failed)}")
