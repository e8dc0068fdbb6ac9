from celery import shared_task

from analytics import services


@shared_task(name="analytics.tasks.usage_rollup", ignore_result=True)
def usage_rollup() -> dict[str, float]:
    """Celery beat runs this every few minutes: each run rolls up the hours that have
    closed since the last one (at most a week per organization, so a long catch-up is
    spread over several runs instead of one long task)."""
    report = services.usage_rollup()
    return {
        "hours": report.hours,
        "events": report.events,
        "rows": report.rows,
        "open_rows": report.open_rows,
        "late": report.late,
        "behind": report.behind,
        "seconds": report.seconds,
    }
