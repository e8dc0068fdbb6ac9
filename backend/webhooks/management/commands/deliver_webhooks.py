import time

from django.core.management.base import BaseCommand, CommandParser

from webhooks import notifications, services


class Command(BaseCommand):
    help = (
        "Deliver webhooks and send notifications without Celery: dispatch new events, "
        "attempt due deliveries, check utilization, expiring licenses and the denials digest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Repeat every N seconds until stopped (`serve` without Celery runs it so).",
        )

    def handle(self, *args, every: int, **options) -> None:
        last_checks = 0.0
        while True:
            services.events_dispatch()
            attempts = [services.delivery_attempt(i) for i in services.deliveries_due()]
            made = [a for a in attempts if a is not None]
            if made or not every:
                ok = sum(a.succeeded for a in made)
                self.stdout.write(f"webhooks: {len(made)} attempts, {ok} delivered")
            if time.monotonic() - last_checks >= 60:
                notifications.utilization_check()
                notifications.licenses_expiring()
                notifications.denials_digest()  # yesterday's, once (it is keyed by day)
                services.events_prune()
                last_checks = time.monotonic()
            if not every:
                return
            time.sleep(every)
