import time

from django.core.management.base import BaseCommand, CommandParser

from licenses import services
from licenses.seatstore.base import SeatStoreUnavailable


class Command(BaseCommand):
    help = "Mark sessions past their TTL as zombies, free their seats, flush heartbeats."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Repeat every N seconds until stopped."
        )

    def handle(self, *args, every: int, **options) -> None:
        while True:
            # sessions_reap logs its own one-line report (also from the Celery task).
            try:
                services.sessions_reap()
            except SeatStoreUnavailable as exc:
                if not every:
                    raise
                self.stderr.write(f"reaper: {exc}; retrying in {every}s")
            if not every:
                return
            time.sleep(every)
