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
            try:
                report = services.sessions_reap()
                self.stdout.write(
                    f"flushed {report.flushed} heartbeats, checked {report.checked}, "
                    f"reaped {report.reaped} in {report.seconds:.3f}s"
                )
            except SeatStoreUnavailable as exc:
                if not every:
                    raise
                self.stderr.write(f"reaper: {exc}; retrying in {every}s")
            if not every:
                return
            time.sleep(every)
