import time

from django.core.management.base import BaseCommand, CommandParser

from analytics import services


class Command(BaseCommand):
    help = "Roll up seat events of closed hours into hourly usage rows, until caught up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-hours",
            type=int,
            default=7 * 24,
            help="Hours per organization per pass (default: a week); passes repeat "
            "until every organization is caught up.",
        )
        parser.add_argument(
            "--once", action="store_true", help="One pass only, as the Celery beat task does."
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Catch up, then again every N seconds until stopped (`serve` without "
            "Celery runs it so).",
        )

    def handle(self, *args, max_hours: int, once: bool, every: int, **options) -> None:
        while True:
            report = services.usage_rollup(max_hours=max_hours, progress=self._progress)
            self.stdout.write(
                f"rolled up {report.hours} hours ({report.events} events, {report.rows} rows) "
                f"and {report.open_rows} rows of open hours in {report.seconds:.1f}s; "
                f"{report.behind} organizations still behind"
            )
            if once:
                return
            if report.behind:
                continue
            if not every:
                return
            time.sleep(every)

    def _progress(self, step: services.RollupStep) -> None:
        late = " (late events: rolled again)" if step.late else ""
        self.stdout.write(
            f"  org {step.org_id}: {step.start:%Y-%m-%d %H:%M}..{step.stop:%Y-%m-%d %H:%M}"
            f"{late}: {step.events} events, {step.rows} rows in {step.seconds:.2f}s; "
            f"{step.behind_hours} h behind"
        )
